import t from 'tap'
import { atxHeading, parsePlanMarkdown } from '../../../src/planning/plan-markdown.js'
import { outlineFromTemplate } from '../../../src/planning/template-outline.js'

t.test('atxHeading reads ATX headings as CommonMark does', async (t) => {
  t.same(atxHeading('## 시장 분석'), { depth: 2, text: '시장 분석' })
  t.same(atxHeading('   # 제목 ##  '), { depth: 1, text: '제목' }, 'up to three spaces of indent, closing #s dropped')
  t.same(atxHeading('### C# 입문'), { depth: 3, text: 'C# 입문' }, 'a # inside the text stays')
  t.same(atxHeading('## **굵은** `코드`'), { depth: 2, text: '굵은 코드' })
  t.same(atxHeading('#'), { depth: 1, text: '' })
  for (const line of ['#제목', '####### 일곱', '    # 코드 블록', '본문 # 아님', '']) t.equal(atxHeading(line), undefined, JSON.stringify(line))
})

t.test('parsePlanMarkdown skips fenced code and other blocks, and takes a whole paragraph', async (t) => {
  const parsed = parsePlanMarkdown([
    '# 제목', '', '## 하나', '> 인용', '', '1. 목록', '', '첫 줄', '둘째 줄', '', '```', '## 코드 안', '```',
    '## 둘', '', '- 점', '', '## 셋\r', '설명\r', ''
  ].join('\n'))
  t.same(parsed, {
    title: '제목',
    sections: [
      { title: '하나', description: '첫 줄 둘째 줄', order: 1 },
      { title: '둘', description: '', order: 2 },
      { title: '셋', description: '설명', order: 3 }
    ]
  })
})

/**
 * Ten times the largest accepted input, each well under a second: a reader that backtracks or
 * nests takes minutes at this size, so the margin absorbs any load on the machine.
 */
const LARGE = 500_000
const GENEROUS_MS = 1000

function timed (run: () => void): number {
  const startedAt = performance.now()
  run()
  return performance.now() - startedAt
}

t.test('the plan reader and the template outline stay fast on ten times the inputs that froze the service', async (t) => {
  const plans: Array<[string, string]> = [
    ['nested list', '- '.repeat(LARGE / 2) + 'x'],
    ['nested quote', '>'.repeat(LARGE) + ' x'],
    ['emphasis', '*a'.repeat(LARGE / 2)],
    ['heading of spaces', '# ' + ' '.repeat(LARGE) + 'x'],
    ['heading of #s', '#'.repeat(LARGE)],
    ['many sections', '## 절\n'.repeat(LARGE / 5)]
  ]
  for (const [name, plan] of plans) {
    const ms = timed(() => parsePlanMarkdown(plan))
    t.ok(ms < GENEROUS_MS, `${name}: ${Math.round(ms)} ms`)
  }
  const guides: Array<[string, string]> = [
    ['"1." and spaces', '1.' + ' '.repeat(LARGE) + 'x'],
    ['spaces before a hint', '1. 절:' + ' '.repeat(LARGE) + '(`'],
    ['unclosed hints', '1. 절: ' + '(`'.repeat(LARGE / 2)],
    ['many lines', '1. 절: 설명\n'.repeat(LARGE / 8)]
  ]
  for (const [name, guide] of guides) {
    const ms = timed(() => outlineFromTemplate('주제', guide))
    t.ok(ms < GENEROUS_MS, `${name}: ${Math.round(ms)} ms`)
  }
})
