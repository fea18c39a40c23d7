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
export interface TextRun {
  readonly type: 'text'
  readonly text: string
  readonly marks: Marks
  /** Hyperlink target when the text is (part of) a link. */
  readonly link: string | null
}

/** A footnote anchored where it was referenced; its text goes to the page foot. */
export interface NoteRun {
  readonly type: 'note'
  /** 1-based, in order of reference. */
  readonly number: number
  readonly blocks: readonly Block[]
}

export type ImageFormat = 'png' | 'jpg' | 'gif' | 'bmp'

/** A picture embedded in the document (only ever from a data: URI). */
export interface ImageRun {
  readonly type: 'image'
  readonly alt: string
  readonly format: ImageFormat
  readonly data: Uint8Array
  /** Pixel size. */
  readonly width: number
  readonly height: number
}

export type Run = TextRun | NoteRun | ImageRun

export function textRun (text: string, marks: Marks = NO_MARKS, link: string | null = null): TextRun {
  return { type: 'text', text, marks, link }
}

/** Where a paragraph stands in a list: its marker is the format's own numbering or bullet. */
export interface ListItem {
  readonly ordered: boolean
  /** How many lists enclose this one (0 for a top-level list). */
  readonly depth: number
  /** One id per list in the document, so each list numbers on its own. */
  readonly listId: number
  /** The number the list starts at (ordered lists). */
  readonly start: number
  /** This item's number (ordered lists). */
  readonly number: number
  /** Task list item: whether its box is ticked; null for ordinary items. */
  readonly checked: boolean | null
}

export type ParagraphRole = 'title' | 'heading' | 'body'

export interface ParagraphBlock {
  readonly type: 'paragraph'
  readonly role: ParagraphRole
  /** Outline level for role 'heading': 1 for `##`, 2 for `###`, … */
  readonly headingLevel: number
  /** Nesting depth in INDENT_STEPs (block quotes and list levels). */
  readonly indent: number
  /** The marker as text ("7.", "•", "☐"), hung into the indent before the text. */
  readonly marker: string | null
  /** Set on the first paragraph of a list item. */
  readonly list: ListItem | null
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
