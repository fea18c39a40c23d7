import type { PlanSection } from '../schemas/plan.js'
import type { Outline } from '../llm/provider.js'

/** The plan as the user reviews and edits it: `#` title, then one `##` per section with its description and key points. */
export function renderPlanMarkdown (outline: Outline): string {
  const parts = [`# ${oneLine(outline.title)}`]
  for (const section of outline.sections) {
    parts.push(`## ${oneLine(section.title)}`)
    if (section.description.trim()) parts.push(section.description.trim())
    if (section.key_points.length > 0) parts.push(section.key_points.map((point) => `- ${oneLine(point)}`).join('\n'))
  }
  return parts.join('\n\n') + '\n'
}

export function sectionsOf (outline: Outline): PlanSection[] {
  return outline.sections.map((section, index) => ({
    title: oneLine(section.title),
    description: section.description.trim(),
    order: index + 1
  }))
}

export interface ParsedPlan {
  title: string | undefined
  sections: PlanSection[]
}

export interface AtxHeading {
  depth: number
  text: string
}

const isBlank = (code: number) => code === 0x20 || code === 0x09

/**
 * A Markdown ATX heading line (`## 제목 ##`), read by hand in one pass: heading text comes from
 * users and models, and a backtracking pattern over it (`(.+?)\s*#*\s*$`) is quadratic on a long
 * run of spaces.
 */
export function atxHeading (line: string): AtxHeading | undefined {
  let at = 0
  while (at < 3 && line.charCodeAt(at) === 0x20) at++
  let depth = 0
  while (line.charCodeAt(at + depth) === 0x23 && depth < 7) depth++
  if (depth === 0 || depth > 6) return undefined
  const afterMarks = at + depth
  if (afterMarks < line.length && !isBlank(line.charCodeAt(afterMarks))) return undefined
  let end = line.length
  while (end > afterMarks && isBlank(line.charCodeAt(end - 1))) end--
  // An optional closing run of #s counts only when a blank (or the opening marks) precede it.
  let closing = end
  while (closing > afterMarks && line.charCodeAt(closing - 1) === 0x23) closing--
  if (closing < end && (closing === afterMarks || isBlank(line.charCodeAt(closing - 1)))) end = closing
  return { depth, text: plainInline(line.slice(afterMarks, end)).trim() }
}

/** A line that starts some other block, so it cannot continue or start a description paragraph. */
function startsOtherBlock (line: string): boolean {
  const trimmed = line.trimStart()
  const first = trimmed[0]
  if (first === '>' || first === '|' || trimmed.startsWith('```') || trimmed.startsWith('~~~')) return true
  if ((first === '-' || first === '*' || first === '+') && (trimmed.length === 1 || isBlank(trimmed.charCodeAt(1)))) return true
  let digits = 0
  while (digits < 10 && trimmed.charCodeAt(digits) >= 0x30 && trimmed.charCodeAt(digits) <= 0x39) digits++
  const marker = trimmed[digits]
  return digits > 0 && (marker === '.' || marker === ')') && (digits + 1 === trimmed.length || isBlank(trimmed.charCodeAt(digits + 1)))
}

const isFence = (line: string) => {
  const trimmed = line.trimStart()
  return line.length - trimmed.length < 4 && (trimmed.startsWith('```') || trimmed.startsWith('~~~'))
}

/**
 * Reads back a plan the user may have edited: its `#` title and each `##` section with the first
 * paragraph under it as the description. Only those lines matter, so they are all that is read,
 * line by line in one pass: time linear in the plan whatever it contains, where a full Markdown
 * parse of crafted nesting (`- - - …`, `> > > …`) took minutes and held the event loop.
 */
export function parsePlanMarkdown (markdown: string): ParsedPlan {
  let title: string | undefined
  const sections: PlanSection[] = []
  let current: PlanSection | undefined
  let paragraph: string[] | undefined
  let inFence = false
  const endParagraph = () => {
    if (paragraph && current && !current.description) current.description = oneLine(plainInline(paragraph.join(' ')))
    paragraph = undefined
  }
  for (const rawLine of markdown.split('\n')) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine
    if (isFence(line)) {
      endParagraph()
      inFence = !inFence
      continue
    }
    if (inFence) continue
    const heading = atxHeading(line)
    if (heading) {
      endParagraph()
      const text = oneLine(heading.text)
      if (heading.depth === 1 && title === undefined) title = text
      if (heading.depth === 2 && text) {
        current = { title: text, description: '', order: sections.length + 1 }
        sections.push(current)
      } else if (heading.depth <= 2) {
        current = undefined
      }
    } else if (line.trim() === '' || startsOtherBlock(line)) {
      endParagraph()
    } else if (paragraph) {
      paragraph.push(line)
    } else if (current && !current.description) {
      paragraph = [line]
    }
  }
  endParagraph()
  return { title, sections }
}

/** Emphasis and code marks dropped, as a reader sees the text. */
function plainInline (text: string): string {
  return text.replace(/\*\*|__|`/g, '')
}

function oneLine (text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}
