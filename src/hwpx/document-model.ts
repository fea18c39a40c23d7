// The report as HWPX needs it: a flat sequence of blocks whose nesting has
// already been turned into indentation, and whose inline formatting has been
// turned into runs of uniformly formatted text.

export interface Marks {
  readonly bold: boolean
  readonly italic: boolean
  readonly underline: boolean
  readonly strike: boolean
  readonly code: boolean
}

export const NO_MARKS: Marks = { bold: false, italic: false, underline: false, strike: false, code: false }

/**
 * Uniformly formatted text. Inside `text`, '\n' is a hard line break and
 * '\t' a tab; a soft line break has already become a space.
 */
export interface Run {
  readonly text: string
  readonly marks: Marks
}

export type ParagraphRole = 'title' | 'heading' | 'body'

export interface ParagraphBlock {
  readonly type: 'paragraph'
  readonly role: ParagraphRole
  /** Outline level for role 'heading': 1 for `##`, 2 for `###`, … */
  readonly headingLevel: number
  /** Nesting depth in INDENT_STEPs (block quotes and list levels). */
  readonly indent: number
  /** List or footnote marker, hung into the indent before the text. */
  readonly marker: string | null
  readonly quoted: boolean
  readonly runs: readonly Run[]
}

export type CellAlign = 'left' | 'center' | 'right' | null

export interface TableBlock {
  readonly type: 'table'
  /** One entry per column; every row has exactly this many cells. */
  readonly align: readonly CellAlign[]
  /** rows[0] is the header row. */
  readonly rows: ReadonlyArray<ReadonlyArray<readonly Run[]>>
}

export interface CodeBlock {
  readonly type: 'code'
  readonly lines: readonly string[]
}

export interface RuleBlock {
  readonly type: 'rule'
  readonly indent: number
}

export type Block = ParagraphBlock | TableBlock | CodeBlock | RuleBlock
