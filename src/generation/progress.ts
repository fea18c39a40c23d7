import type { PlanSection } from '../db/schema.js'
import { atxHeading } from '../planning/plan-markdown.js'
import type { ProgressPatch } from '../status/types.js'

export const WRITING_RANGE = { from: 10, to: 80 } as const
/** Characters a report without planned sections is assumed to run to, for its progress bar. */
const UNPLANNED_REPORT_CHARS = 8000
/** Time the conversion and saving after the last section are budgeted, for the ETA. */
const FINISHING_MS = 2000

const normalize = (title: string) => title
  .replace(/^\s*(?:\d+|[IVXⅠ-Ⅻ]+|[가-힣])[.)]\s*/u, '')
  .replace(/[*_`~#]/g, '')
  .replace(/[\s\p{P}]/gu, '')
  .toLowerCase()

/**
 * Turns the report's text, as it streams in, into honest progress: each planned section's
 * heading moves the bar through the writing range, and the pace of the sections written so far
 * projects the completion time.
 */
export class ProgressTracker {
  private pending = ''
  private chars = 0
  private reached = -1
  private readonly normalized: string[]
  private firstHeadingAt: number | undefined

  constructor (
    private readonly sections: PlanSection[],
    private readonly now: () => number = Date.now
  ) {
    this.normalized = sections.map((section) => normalize(section.title))
  }

  /** Feeds a streamed piece; returns the new progress when it moved. */
  push (delta: string): ProgressPatch | undefined {
    this.chars += delta.length
    if (this.sections.length === 0) return this.byLength()
    this.pending += delta
    let patch: ProgressPatch | undefined
    let newline = this.pending.indexOf('\n')
    while (newline !== -1) {
      patch = this.line(this.pending.slice(0, newline)) ?? patch
      this.pending = this.pending.slice(newline + 1)
      newline = this.pending.indexOf('\n')
    }
    return patch
  }

  private line (line: string): ProgressPatch | undefined {
    const heading = atxHeading(line)
    if (!heading || heading.depth > 3) return undefined
    const title = normalize(heading.text)
    if (!title) return undefined
    const index = this.normalized.findIndex((planned, i) => i > this.reached && (planned === title || title.includes(planned)))
    if (index === -1) return undefined
    const at = this.now()
    this.firstHeadingAt ??= at
    this.reached = index
    const total = this.sections.length
    const { from, to } = WRITING_RANGE
    return {
      progress_percent: Math.round(from + (to - from) * index / total),
      current_step: `'${this.sections[index]!.title}' 작성 중 (${index + 1}/${total})`,
      estimated_completion: this.projectCompletion(at, index, total)
    }
  }

  /** Needs at least one finished section to know the pace; until then there is no honest estimate. */
  private projectCompletion (at: number, index: number, total: number): string | null {
    if (index === 0 || this.firstHeadingAt === undefined) return null
    const perSection = (at - this.firstHeadingAt) / index
    return new Date(at + perSection * (total - index) + FINISHING_MS).toISOString()
  }

  private byLength (): ProgressPatch {
    const { from, to } = WRITING_RANGE
    const share = Math.min(0.95, this.chars / UNPLANNED_REPORT_CHARS)
    return { progress_percent: Math.round(from + (to - from) * share), current_step: '보고서 작성 중' }
  }
}
