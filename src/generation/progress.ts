import type { PlanSection } from '../db/schema.js'
import { atxHeading } from '../planning/plan-markdown.js'
import type { ProgressPatch } from '../status/types.js'

export const WRITING_RANGE = { from: 10, to: 80 } as const
/** Characters a report without planned sections is assumed to run to, for its progress bar. */
const UNPLANNED_REPORT_CHARS = 8000
/**
 * What the conversion and saving after the last token are assumed to take until a finished report
 * shows it: a few hundred ms, the conversion threads having warmed up while Claude wrote. (A second,
 * what a cold thread took, put the ETA of a service's first reports a second late: 34–38 % of the
 * time left near 75 %, at Haiku's pace with ten users.)
 */
const ASSUMED_FINISHING_MS = 300
/** How much the latest finished report moves the learned finishing time: recent reports count most. */
const FINISHING_WEIGHT = 0.3
/** Length a section is assumed to run to until finished sections show the real one. */
const ASSUMED_SECTION_CHARS = 1200
/** Text seen before a pace in characters per second is trusted for an ETA. */
const MIN_PACE_CHARS = 200

/**
 * What the work after the last token (HWPX and DOCX conversion, saving) takes, learned from the
 * reports this process finished. A fixed guess was off by a second either way, quiet machine or
 * busy, and near the end of the writing a second is most of the time left, so the ETA was.
 */
export class FinishingTime {
  #estimateMs: number | undefined

  get estimateMs (): number { return this.#estimateMs ?? ASSUMED_FINISHING_MS }

  /** The first measurement replaces the assumption; later ones move the estimate a step towards them. */
  record (durationMs: number): void {
    this.#estimateMs = this.#estimateMs === undefined
      ? durationMs
      : this.#estimateMs + FINISHING_WEIGHT * (durationMs - this.#estimateMs)
  }
}

/**
 * Longest section title in `current_step`, in characters. The step goes out in every progress
 * event's NOTIFY, whose payload PostgreSQL caps at 8 000 bytes, and plan headings are not bounded.
 */
const STEP_TITLE_MAX = 100

function stepTitle (title: string): string {
  const chars = Array.from(title)
  return chars.length <= STEP_TITLE_MAX ? title : `${chars.slice(0, STEP_TITLE_MAX - 1).join('')}…`
}

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
  private firstTextAt: number | undefined
  /** Characters streamed when the current section's heading arrived. */
  private charsAtHeading = 0
  /** Characters streamed when the first planned heading arrived. */
  private charsAtFirstHeading: number | undefined

  constructor (
    private readonly sections: PlanSection[],
    private readonly now: () => number = Date.now,
    /** The finishing time when the run started: one estimate for the whole run keeps its ETA steady. */
    private readonly finishingMs: number = ASSUMED_FINISHING_MS
  ) {
    this.normalized = sections.map((section) => normalize(section.title))
  }

  /** Feeds a streamed piece; returns the new progress when it moved. */
  push (delta: string): ProgressPatch | undefined {
    this.firstTextAt ??= this.now()
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
    this.charsAtFirstHeading ??= this.chars
    this.charsAtHeading = this.chars
    this.reached = index
    const total = this.sections.length
    const { from, to } = WRITING_RANGE
    return {
      progress_percent: Math.round(from + (to - from) * index / total),
      current_step: `'${stepTitle(this.sections[index]!.title)}' 작성 중 (${index + 1}/${total})`,
      estimated_completion: this.projectCompletion(0)
    }
  }

  /**
   * Progress between headings, from the text received so far: the share of the current section
   * written (against the length of the finished ones, or an assumed length before any is finished)
   * moves the bar. Undefined before the first planned heading, and for a plan without sections
   * (push() already moves by length).
   */
  estimate (): ProgressPatch | undefined {
    if (this.sections.length === 0 || this.reached < 0) return undefined
    const share = Math.min(0.95, (this.chars - this.charsAtHeading) / Math.max(1, this.sectionChars()))
    const { from, to } = WRITING_RANGE
    return {
      progress_percent: Math.round(from + (to - from) * (this.reached + share) / this.sections.length),
      estimated_completion: this.projectCompletion(share)
    }
  }

  /** A section's length: the average of the finished ones, or an assumed length before any is finished. */
  private sectionChars (): number {
    return this.reached > 0
      ? (this.charsAtHeading - (this.charsAtFirstHeading ?? 0)) / this.reached
      : ASSUMED_SECTION_CHARS
  }

  /**
   * The completion time from the text still to come at the pace in characters per second so far.
   * One projection for headings and the text between them, so the ETA does not jump between two.
   */
  private projectCompletion (shareOfCurrentSection: number): string | null {
    // Until a section is finished its length is a guess, and an ETA from it would be a guess too.
    if (this.reached < 1 || this.firstTextAt === undefined || this.chars < MIN_PACE_CHARS) return null
    const at = this.now()
    const elapsedMs = at - this.firstTextAt
    if (elapsedMs <= 0) return null
    const remainingChars = this.sectionChars() * (this.sections.length - this.reached - shareOfCurrentSection)
    return new Date(at + remainingChars / (this.chars / elapsedMs) + this.finishingMs).toISOString()
  }

  private byLength (): ProgressPatch {
    const { from, to } = WRITING_RANGE
    const share = Math.min(0.95, this.chars / UNPLANNED_REPORT_CHARS)
    return { progress_percent: Math.round(from + (to - from) * share), current_step: '보고서 작성 중' }
  }
}
