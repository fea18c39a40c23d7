import t from 'tap'
import Anthropic from '@anthropic-ai/sdk'
import pino from 'pino'
import { AnthropicProvider } from '../../../src/llm/anthropic.js'
import { OfflineProvider } from '../../../src/llm/offline.js'
import { fillDescriptions } from '../../../src/planning/plan-draft.js'
import { parsePlanMarkdown } from '../../../src/planning/plan-markdown.js'
import { sequentialPlanning } from '../../../src/planning/sequential-planning.js'
import { outlineFromTemplate } from '../../../src/planning/template-outline.js'
import { estimateTokens, SAMPLE_OUTLINE, SPEED_PROFILES, startFakeAnthropic } from '../../support/fake-anthropic.js'

const log = pino({ level: 'silent' })
const GUIDE = '[보고서 구조]\n1. 제목: 한 줄 제목\n2. 개요: 전체 개요\n3. 시장 분석: 시장 현황 (`## 시장 분석`)\n4. 결론: 제언'

function providerFor (url: string) {
  const client = new Anthropic({ apiKey: 'k', baseURL: url, maxRetries: 0 })
  return new AnthropicProvider(client, {
    planModel: 'plan-model', reportModel: 'report-model', planMaxTokens: 1000, reportMaxTokens: 4000, reportTimeoutMs: 10_000, reportMaxRetries: 0
  })
}

const options = (llm: AnthropicProvider | OfflineProvider, timeoutMs = 1500) => ({ llm, timeoutMs, refineTimeoutMs: 5000, log })

t.test('TC-PLAN-003: the planner answers with the ordered sections as soon as their titles are written', async (t) => {
  const fake = await startFakeAnthropic(t)
  const result = await sequentialPlanning({ topic: 'AI', guide: GUIDE }, options(providerFor(fake.url)))
  t.equal(result.source, 'llm')
  t.same(result.sections.map((s) => [s.title, s.order]), SAMPLE_OUTLINE.sections.map((s, i) => [s.title, i + 1]))
  t.same(parsePlanMarkdown(result.plan), { title: 'AI', sections: result.sections }, 'the plan reads back to the same sections')

  const outcome = await result.refinement!.finished
  t.match(outcome, { complete: true, usage: { model: 'plan-model', inputTokens: 321 } })
  t.same(result.refinement!.descriptions.map((d) => [d.index, d.title, d.description]),
    SAMPLE_OUTLINE.sections.map((s, i) => [i, s.title, s.description]), 'then every description, in order')
})

t.test('the skeleton answers while the model is still writing, at the speed model\'s pace', async (t) => {
  const fake = await startFakeAnthropic(t, { speed: SPEED_PROFILES.typical })
  const startedAt = performance.now()
  // A deadline a loaded machine cannot reach: this is about order, the skeleton before the descriptions.
  const result = await sequentialPlanning({ topic: 'AI', guide: GUIDE }, options(providerFor(fake.url), 10_000))
  const answeredMs = performance.now() - startedAt
  t.equal(result.source, 'llm')
  t.ok(answeredMs >= SPEED_PROFILES.typical.firstTokenMs, `not before the first token (${Math.round(answeredMs)} ms)`)
  t.same(result.sections.map((s) => s.description), SAMPLE_OUTLINE.sections.map(() => ''), 'no description yet')
  await result.refinement!.finished
  t.ok(performance.now() - startedAt > answeredMs + 300, 'the descriptions took their own time after the answer')
  t.equal(result.refinement!.descriptions.length, SAMPLE_OUTLINE.sections.length)
})

t.test('the speed model: tokens by the estimate, streamed or not', async (t) => {
  t.equal(estimateTokens('디지털뱅킹', 1), 5, 'a token per syllable')
  t.equal(estimateTokens('디지털뱅킹', 2.5), 2, '2.5 syllables a token')
  t.equal(estimateTokens('abcd efg', 1), 2, 'four other characters a token')
  const speed = { firstTokenMs: 200, tokensPerSecond: 100, syllablesPerToken: 1 }
  const fake = await startFakeAnthropic(t, { speed })
  const client = new Anthropic({ apiKey: 'k', baseURL: fake.url, maxRetries: 0 })
  const markdown = '가'.repeat(30)
  fake.reportBehaviors.push({ kind: 'report', markdown }, { kind: 'report', markdown })
  for (const stream of [false, true]) {
    const startedAt = performance.now()
    const message = stream
      ? await client.messages.stream({ model: 'm', max_tokens: 100, messages: [{ role: 'user', content: 'x' }] }).finalMessage()
      : await client.messages.create({ model: 'm', max_tokens: 100, messages: [{ role: 'user', content: 'x' }] })
    const elapsedMs = performance.now() - startedAt
    // 200 ms to the first token, then 30 tokens at 100 a second.
    t.ok(elapsedMs >= 490, `${stream ? 'streamed' : 'unstreamed'}: ${Math.round(elapsedMs)} ms`)
    t.equal(message.usage.output_tokens, 30)
  }
})

t.test('a deadline shorter than the model answers with the template outline', async (t) => {
  const fake = await startFakeAnthropic(t)
  fake.planBehaviors.push({ kind: 'outline', delayMs: 5000 })
  const startedAt = performance.now()
  const result = await sequentialPlanning({ topic: 'AI', guide: GUIDE }, options(providerFor(fake.url), 200))
  t.ok(performance.now() - startedAt < 3000, 'did not wait for the model')
  t.equal(result.source, 'template')
  t.same(result.sections.map((s) => s.title), ['개요', '시장 분석', '결론'])
  t.equal(result.refinement, undefined)
})

t.test('the offline provider cannot plan, so the template answers', async (t) => {
  const result = await sequentialPlanning({ topic: 'AI', guide: GUIDE }, options(new OfflineProvider()))
  t.equal(result.source, 'template')
  t.equal(result.sections.length, 3)
})

t.test('fillDescriptions fills only sections still as the model left them, and keeps the rest of the Markdown', async (t) => {
  const plan = '# 제목\n\n## 개요\n\n## 현황\n\n내 글\n\n## 전망\n\n- 내 목록\n\n```\n## 전망\n```\n'
  const filled = fillDescriptions(plan, [
    { index: 0, title: '개요', description: '개요 설명' },
    { index: 1, title: '현황', description: '현황 설명' },
    { index: 2, title: '전망', description: '전망 설명' },
    { index: 3, title: '없는 섹션', description: '버려짐' }
  ])
  t.equal(filled, '# 제목\n\n## 개요\n\n개요 설명\n\n## 현황\n\n내 글\n\n## 전망\n\n전망 설명\n\n- 내 목록\n\n```\n## 전망\n```\n')
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
