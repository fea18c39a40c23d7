/** The user turn of the report call: the topic and the plan the user approved, to be followed as written. */
export function reportUserPrompt (topic: string, plan: string): string {
  return [
    `보고서 주제: ${topic}`,
    '',
    '아래는 사용자가 검토하고 승인한 보고서 계획입니다. 계획의 섹션을 같은 순서와 같은 제목으로 `## 제목` 형식의 Markdown 제목으로 작성하고, 각 섹션의 설명과 핵심 포인트를 충실히 다루십시오. 보고서 제목은 `#` 한 줄로 시작합니다.',
    '',
    '<approved_plan>',
    plan.trim(),
    '</approved_plan>'
  ].join('\n')
}
