import type { Outline } from '../llm/provider.js'

/** A numbered guide line such as "3. 배경 및 목적: 주제가 지금 중요한 이유 …". */
const NUMBERED_SECTION = /^\s*\d{1,2}[.)]\s*([^:：\n]{1,40}?)\s*[:：]\s*(.+)$/
const TITLE_ITEM = /^(보고서\s*)?제목$/
const SUBHEADINGS_HINT = /소제목/
const MARKDOWN_HINT = /\s*\(`[^`]*`[^)]*\)|`[^`]*`/g

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
    const match = NUMBERED_SECTION.exec(line)
    if (!match) continue
    const title = match[1]!.trim()
    if (TITLE_ITEM.test(title)) continue
    declared.push([title, match[2]!.replace(MARKDOWN_HINT, '').trim()])
  }
  const structure = declared.length >= 2 ? declared : GENERIC_STRUCTURE
  const sections = structure.flatMap(([title, description]) =>
    SUBHEADINGS_HINT.test(description) ? expandMainBody(topic) : [[title, description] as [string, string]])
  return {
    title: topic,
    sections: sections.map(([title, description]) => ({ title, description, key_points: [] }))
  }
}
