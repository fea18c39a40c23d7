import fc from 'fast-check'
import type { Heading, RootContent } from 'mdast'
import { fromMarkdown } from 'mdast-util-from-markdown'
import { toString } from 'mdast-util-to-string'
import t from 'tap'
import { fillDescriptions } from '../../../src/planning/plan-draft.js'
import { atxHeading, parsePlanMarkdown, readPlan } from '../../../src/planning/plan-markdown.js'
import type { SectionDescription } from '../../../src/planning/plan-refinement.js'
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
 * Ten times the largest accepted input, each in well under a second on a quiet machine: a reader
 * that backtracks or nests takes minutes at this size, so the margin absorbs any load on the machine.
 */
const LARGE = 500_000
const GENEROUS_MS = 5000

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

/*
 * The reader against an independent one: mdast (micromark), a full CommonMark parser that the
 * service no longer runs, reads the same plans here. Plans are made of the blocks plans hold —
 * headings, paragraphs, lists, quotes, fences, breaks, indented code — a blank line apart, as
 * the model and the editor write them.
 */

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim()

/** What parsePlanMarkdown should answer, from the mdast tree. */
function oracleParse (markdown: string) {
  const children = fromMarkdown(markdown).children as RootContent[]
  let title: string | undefined
  const sections: Array<{ title: string, description: string, order: number }> = []
  let current: typeof sections[number] | undefined
  for (const node of children) {
    if (node.type === 'heading') {
      const text = oneLine(toString(node))
      if (node.depth === 1 && title === undefined) title = text
      if (node.depth === 2 && text) sections.push(current = { title: text, description: '', order: sections.length + 1 })
      else if (node.depth <= 2) current = undefined
    } else if (node.type === 'paragraph' && current && !current.description) {
      current.description = oneLine(toString(node))
    }
  }
  return { title, sections }
}

/** What fillDescriptions did when it read the plan with mdast. */
function oracleFill (plan: string, descriptions: SectionDescription[]): string {
  const pending = new Map(descriptions.map((item) => [item.title, item.description]))
  const children = fromMarkdown(plan).children as RootContent[]
  const insertions: Array<{ offset: number, text: string }> = []
  children.forEach((node, index) => {
    if (node.type !== 'heading' || (node as Heading).depth !== 2) return
    const title = oneLine(toString(node))
    const description = pending.get(title)
    const next = children[index + 1]
    if (description === undefined || next?.type === 'paragraph' || node.position?.end.offset === undefined) return
    pending.delete(title)
    insertions.push({ offset: node.position.end.offset, text: `\n\n${description}` })
  })
  let result = plan
  for (const { offset, text } of insertions.reverse()) result = result.slice(0, offset) + text + result.slice(offset)
  return result
}

const TITLES = ['개요', '시장 분석', '전망', '결론']
const word = fc.constantFrom('시장', '성장', 'AI', '2026년', '**핵심**', '`코드`', '전략')
const words = fc.array(word, { minLength: 1, maxLength: 4 }).map((list) => list.join(' '))
const block = fc.oneof(
  fc.constantFrom(...TITLES).map((title) => `## ${title}`),
  words.map((text) => `# ${text}`),
  words.map((text) => `### ${text}`),
  fc.array(words, { minLength: 1, maxLength: 3 }).map((lines) => lines.join('\n')),
  fc.array(words, { minLength: 1, maxLength: 3 }).map((items) => items.map((item) => `- ${item}`).join('\n')),
  fc.array(words, { minLength: 1, maxLength: 3 }).map((items) => items.map((item, i) => `${i + 1}. ${item}`).join('\n')),
  words.map((text) => `> ${text}`),
  words.map((text) => '```\n## ' + text + '\n```'),
  fc.constantFrom('---', '***', '    들여쓴 코드')
)
const plans = fc.array(block, { minLength: 1, maxLength: 12 }).map((blocks) => blocks.join('\n\n') + '\n')

t.test('the plan reader reads titles, sections and descriptions as mdast does', async (t) => {
  fc.assert(fc.property(plans, (plan) => {
    t.same(parsePlanMarkdown(plan), oracleParse(plan), plan)
  }), { numRuns: 300 })
})

t.test('the model\'s descriptions go where the mdast reading put them', async (t) => {
  const descriptions = TITLES.map((title, index) => ({ index, title, description: `${title} 설명` }))
  fc.assert(fc.property(plans, (plan) => {
    t.equal(fillDescriptions(plan, descriptions), oracleFill(plan, descriptions), plan)
  }), { numRuns: 300 })
})

t.test('each section\'s body is everything under its heading up to the next section, for the editor', async (t) => {
  const { sections } = readPlan('# 제목\n\n## 하나\r\n\r\n설명\r\n\r\n- 점\n\n### 하위\n\n```\n## 코드 안\n```\n\n# 둘째 제목\n\n뒤 글\n\n## 둘\n')
  t.same(sections.map(({ title, body }) => ({ title, body })), [
    { title: '하나', body: '설명\n\n- 점\n\n### 하위\n\n```\n## 코드 안\n```\n\n# 둘째 제목\n\n뒤 글' },
    { title: '둘', body: '' }
  ])
})
