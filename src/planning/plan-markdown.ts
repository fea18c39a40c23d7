import type { PlanOutline, PlanSection } from '../schemas/plan.js'
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

/** A `##` section where the plan's text has it, for edits in place and for the editor. */
export interface SectionInPlan extends PlanSection {
  /** Where the heading's line ends (before its line break): text put here comes right under the heading. */
  headingEnd: number
  /** Whether the first block under the heading is a paragraph, i.e. the section has text of its own. */
  opensWithText: boolean
  /** Everything under the heading up to the next section: description, key points, subheadings, as the editor shows it. */
  body: string
}

export interface PlanInText {
  title: string | undefined
  sections: SectionInPlan[]
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

/** A line of `---`, `***` or `___` (three or more, blanks between allowed): a thematic break. */
function isThematicBreak (line: string): boolean {
  const trimmed = line.trim()
  const mark = trimmed[0]
  if (line.length - line.trimStart().length > 3 || (mark !== '-' && mark !== '*' && mark !== '_')) return false
  let marks = 0
  for (const char of trimmed) {
    if (char === mark) marks++
    else if (char !== ' ' && char !== '\t') return false
  }
  return marks >= 3
}

/** Four columns of indent where no paragraph goes on: indented code, not text. */
const isIndentedCode = (line: string) => line.startsWith('    ') || line.startsWith('\t')

/**
 * Reads the plan's text the way the service needs it — its `#` title and each `##` section with
 * the first paragraph under it as the description, where the section sits and what it holds.
 * Only headings and paragraph starts matter, so they are all that is read, line by line in one
 * pass: time linear in the plan whatever it contains, where a full Markdown parse of crafted
 * nesting (`- - - …`, `> > > …`) took minutes and held the event loop.
 */
export function readPlan (markdown: string): PlanInText {
  let title: string | undefined
  const sections: SectionInPlan[] = []
  let current: SectionInPlan | undefined
  /** The section whose first block is still to come. */
  let awaitingFirstBlock: SectionInPlan | undefined
  /** The section whose body runs on: to the next section, past a later `#` heading too, so the editor loses no text. */
  let bodyOf: SectionInPlan | undefined
  let bodyStart = 0
  let paragraph: string[] | undefined
  let inFence = false
  const endParagraph = () => {
    if (paragraph && current && !current.description) current.description = oneLine(plainInline(paragraph.join(' ')))
    paragraph = undefined
  }
  const endBody = (at: number) => {
    if (bodyOf) bodyOf.body = markdown.slice(bodyStart, at).replace(/\r\n?/g, '\n').trim()
  }
  let lineStart = 0
  while (lineStart <= markdown.length) {
    const newline = markdown.indexOf('\n', lineStart)
    const lineEnd = newline === -1 ? markdown.length : newline
    const line = markdown.charCodeAt(lineEnd - 1) === 0x0d ? markdown.slice(lineStart, lineEnd - 1) : markdown.slice(lineStart, lineEnd)
    const nextLine = lineEnd + 1
    if (isFence(line)) {
      endParagraph()
      awaitingFirstBlock = undefined
      inFence = !inFence
      lineStart = nextLine
      continue
    }
    if (inFence) {
      lineStart = nextLine
      continue
    }
    const heading = atxHeading(line)
    if (heading) {
      endParagraph()
      const text = oneLine(heading.text)
      if (heading.depth <= 2) current = awaitingFirstBlock = undefined
      if (heading.depth === 1 && title === undefined) title = text
      if (heading.depth === 2 && text) {
        endBody(lineStart)
        current = awaitingFirstBlock = bodyOf = {
          title: text, description: '', order: sections.length + 1, headingEnd: lineStart + line.length, opensWithText: false, body: ''
        }
        sections.push(current)
        bodyStart = nextLine
      } else {
        awaitingFirstBlock = undefined
      }
    } else if (line.trim() === '') {
      endParagraph()
    } else if (paragraph) {
      if (startsOtherBlock(line)) endParagraph()
      else paragraph.push(line)
    } else if (startsOtherBlock(line) || isThematicBreak(line) || isIndentedCode(line)) {
      awaitingFirstBlock = undefined
    } else {
      if (awaitingFirstBlock) awaitingFirstBlock.opensWithText = true
      awaitingFirstBlock = undefined
      if (current && !current.description) paragraph = [line]
    }
    lineStart = nextLine
  }
  endParagraph()
  endBody(markdown.length)
  return { title, sections }
}

/** The plan's title and its sections as saved with the topic: title, description and order. */
export function parsePlanMarkdown (markdown: string): ParsedPlan {
  const { title, sections } = readPlan(markdown)
  return { title, sections: sections.map(({ title, description, order }) => ({ title, description, order })) }
}

/**
 * The plan as the editor shows it: the title and each section's whole body. A plan without `##`
 * sections shows the saved sections instead, their descriptions as bodies.
 */
export function outlineOf (plan: string | null, saved: readonly PlanSection[]): PlanOutline {
  const { title, sections } = readPlan(plan ?? '')
  return {
    title: title ?? '',
    sections: sections.length > 0
      ? sections.map(({ title, body }) => ({ title, body }))
      : [...saved].sort((a, b) => a.order - b.order).map(({ title, description }) => ({ title, body: description }))
  }
}

/** Emphasis and code marks dropped, as a reader sees the text. */
function plainInline (text: string): string {
  return text.replace(/\*\*|__|`/g, '')
}

function oneLine (text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}
