import type { Heading, Paragraph, RootContent } from 'mdast'
import { fromMarkdown } from 'mdast-util-from-markdown'
import { toString } from 'mdast-util-to-string'
import type { PlanSection } from '../db/schema.js'
import type { Outline } from '../llm/provider.js'

/** The plan as the user reviews and edits it: `#` title, then one `##` per section with its description and key points. */
export function renderPlanMarkdown (outline: Outline): string {
  const parts = [`# ${oneLine(outline.title)}`]
  for (const section of outline.sections) {
    parts.push(`## ${oneLine(section.title)}`)
    parts.push(section.description.trim())
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

/**
 * Reads back a plan the user may have edited: its `#` title and each `##` section with the first
 * paragraph under it as the description.
 */
export function parsePlanMarkdown (markdown: string): ParsedPlan {
  const tree = fromMarkdown(markdown)
  let title: string | undefined
  const sections: PlanSection[] = []
  let current: PlanSection | undefined
  for (const node of tree.children as RootContent[]) {
    if (node.type === 'heading') {
      const heading = node as Heading
      const text = oneLine(toString(heading))
      if (heading.depth === 1 && title === undefined) title = text
      if (heading.depth === 2 && text) {
        current = { title: text, description: '', order: sections.length + 1 }
        sections.push(current)
      } else if (heading.depth <= 2) {
        current = undefined
      }
    } else if (node.type === 'paragraph' && current && !current.description) {
      current.description = oneLine(toString(node as Paragraph))
    }
  }
  return { title, sections }
}

function oneLine (text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}
