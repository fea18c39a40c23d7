import type { Outline } from '../llm/provider.js'

const TITLE_ITEM = /^(보고서\s*)?제목$/
const MAX_TITLE_CHARS = 40

const isSpace = (char: string | undefined) => char !== undefined && char.trim() === ''
const isDigit = (char: string | undefined) => char !== undefined && char >= '0' && char <= '9'

/**
 * A numbered guide line such as "3. 배경 및 목적: 주제가 지금 중요한 이유 …" as [title, description].
 * Read by hand: the guide is a user's own text, and the pattern this replaces backtracked for
 * seconds over a line of "1." and many spaces.
 */
function numberedSection (line: string): [string, string] | undefined {
  let at = 0
  while (isSpace(line[at])) at++
  const digitsFrom = at
  while (isDigit(line[at]) && at - digitsFrom < 3) at++
  const digits = at - digitsFrom
  if (digits === 0 || digits > 2 || (line[at] !== '.' && line[at] !== ')')) return undefined
  at++
  let colon = at
  while (colon < line.length && line[colon] !== ':' && line[colon] !== '：') colon++
  if (colon === line.length) return undefined
  const title = line.slice(at, colon).trim()
  const description = line.slice(colon + 1).trim()
  if (title.length === 0 || title.length > MAX_TITLE_CHARS || description.length === 0) return undefined
  return [title, description]
}

/**
 * The guide's hints on markup — "(`## 제목` 형식)" or a bare `code` span — dropped from a
 * description, in one pass (each search resumes where the last ended).
 */
function withoutMarkupHints (text: string): string {
  const kept: string[] = []
  let at = 0
  // Known up front, so a hint left open never sends a search to the end of the text again.
  const lastParen = text.lastIndexOf(')')
  while (at < text.length) {
    const tick = text.indexOf('`', at)
    if (tick === -1) break
    const closing = text.indexOf('`', tick + 1)
    if (closing === -1) break
    const opensHint = tick > 0 && text[tick - 1] === '('
    const parenEnd = opensHint && closing < lastParen ? text.indexOf(')', closing + 1) : -1
    if (parenEnd !== -1) {
      kept.push(text.slice(at, tick - 1).trimEnd())
      at = parenEnd + 1
    } else {
      kept.push(text.slice(at, tick))
      at = closing + 1
    }
  }
  kept.push(text.slice(at))
  return kept.join('').trim()
}

const GENERIC_STRUCTURE: Array<[string, string]> = [
  ['요약', '핵심 결론과 시사점을 먼저 제시'],
  ['배경 및 목적', '주제가 지금 중요한 이유와 보고서의 범위'],
  ['주요 내용', '주제에 맞는 소제목으로 나누어 분석'],
  ['결론 및 제언', '분석을 종합한 결론과 실행 가능한 제언']
]

function expandMainBody (topic: string): Array<[string, string]> {
  return [
    ['현황 분석', `${topic}의 현재 상황과 주요 지표를 정리`],
    ['핵심 이슈와 과제', `${topic}에서 주목해야 할 쟁점과 해결 과제를 분석`],
    ['전망과 기회', `${topic}의 향후 전망과 활용 가능한 기회를 검토`]
  ]
}

/**
 * The deterministic outline used when Claude is unavailable, slow or wrong: the section
 * structure the template's guide spells out as a numbered list, or the standard business-report
 * structure when the guide has none. A "소제목" (subheadings) section becomes three analysis sections.
 */
export function outlineFromTemplate (topic: string, promptSystem: string): Outline {
  const declared: Array<[string, string]> = []
  for (const line of promptSystem.split('\n')) {
    const section = numberedSection(line)
    if (!section || TITLE_ITEM.test(section[0])) continue
    declared.push([section[0], withoutMarkupHints(section[1])])
  }
  const structure = declared.length >= 2 ? declared : GENERIC_STRUCTURE
  const sections = structure.flatMap(([title, description]) =>
    description.includes('소제목') ? expandMainBody(topic) : [[title, description] as [string, string]])
  return {
    title: topic,
    sections: sections.map(([title, description]) => ({ title, description, key_points: [] }))
  }
}
