import t from 'tap'
import Anthropic from '@anthropic-ai/sdk'
import pino from 'pino'
import { AnthropicProvider } from '../../../src/llm/anthropic.js'
import { OfflineProvider } from '../../../src/llm/offline.js'
import { parsePlanMarkdown } from '../../../src/planning/plan-markdown.js'
import { sequentialPlanning } from '../../../src/planning/sequential-planning.js'
import { outlineFromTemplate } from '../../../src/planning/template-outline.js'
import { SAMPLE_OUTLINE, startFakeAnthropic } from '../../support/fake-anthropic.js'

const log = pino({ level: 'silent' })
const GUIDE = '[보고서 구조]\n1. 제목: 한 줄 제목\n2. 개요: 전체 개요\n3. 시장 분석: 시장 현황 (`## 시장 분석`)\n4. 결론: 제언'

function providerFor (url: string) {
  const client = new Anthropic({ apiKey: 'k', baseURL: url, maxRetries: 0 })
  return new AnthropicProvider(client, {
    planModel: 'plan-model', reportModel: 'report-model', planMaxTokens: 1000, reportMaxTokens: 4000, reportTimeoutMs: 10_000, reportMaxRetries: 0
  })
}

t.test('TC-PLAN-003: the planner returns an ordered sections[] and a plan built from them', async (t) => {
  const fake = await startFakeAnthropic(t)
  const result = await sequentialPlanning({ topic: 'AI', guide: GUIDE }, { llm: providerFor(fake.url), timeoutMs: 1500, log })
  t.equal(result.source, 'llm')
  t.same(result.sections, SAMPLE_OUTLINE.sections.map((s, i) => ({ title: s.title, description: s.description, order: i + 1 })))
  t.same(parsePlanMarkdown(result.plan), { title: SAMPLE_OUTLINE.title, sections: result.sections }, 'the plan reads back to the same sections')
  t.match(result.usage, { model: 'plan-model', inputTokens: 321, outputTokens: 123 })
})

t.test('a deadline shorter than the model answers with the template outline', async (t) => {
  const fake = await startFakeAnthropic(t)
  fake.planBehaviors.push({ kind: 'outline', delayMs: 3000 })
  const startedAt = performance.now()
  const result = await sequentialPlanning({ topic: 'AI', guide: GUIDE }, { llm: providerFor(fake.url), timeoutMs: 200, log })
  t.ok(performance.now() - startedAt < 1500, 'did not wait for the model')
  t.equal(result.source, 'template')
  t.same(result.sections.map((s) => s.title), ['개요', '시장 분석', '결론'])
  t.equal(result.usage, undefined)
})

t.test('the offline provider cannot plan, so the template answers', async (t) => {
  const result = await sequentialPlanning({ topic: 'AI', guide: GUIDE }, { llm: new OfflineProvider(), timeoutMs: 1500, log })
  t.equal(result.source, 'template')
  t.equal(result.sections.length, 3)
})

t.test('outlineFromTemplate follows the guide, drops markup hints, expands 소제목, and has a generic fallback', async (t) => {
  const outline = outlineFromTemplate('AI', GUIDE)
  t.same(outline.sections.map((s) => [s.title, s.description]), [['개요', '전체 개요'], ['시장 분석', '시장 현황'], ['결론', '제언']])
  const expanded = outlineFromTemplate('AI', '1. 요약: 핵심\n2. 주요 내용: 3–5개의 소제목으로 분석\n3. 결론: 끝')
  t.same(expanded.sections.map((s) => s.title), ['요약', '현황 분석', '핵심 이슈와 과제', '전망과 기회', '결론'])
  const generic = outlineFromTemplate('AI', '자유 형식으로 작성하라')
  t.same(generic.sections.map((s) => s.title), ['요약', '배경 및 목적', '현황 분석', '핵심 이슈와 과제', '전망과 기회', '결론 및 제언'])
  t.equal(generic.title, 'AI')
})

t.test('parsePlanMarkdown reads an edited plan', async (t) => {
  const parsed = parsePlanMarkdown('# 새 제목\n\n## 첫 섹션\n\n설명 **강조**\n\n- 점\n\n### 하위\n\n본문\n\n## 둘째  섹션\n\n## 셋째\n\n설명 셋\n')
  t.same(parsed, {
    title: '새 제목',
    sections: [
      { title: '첫 섹션', description: '설명 강조', order: 1 },
      { title: '둘째 섹션', description: '', order: 2 },
      { title: '셋째', description: '설명 셋', order: 3 }
    ]
  })
  t.same(parsePlanMarkdown('그냥 문장'), { title: undefined, sections: [] })
})
