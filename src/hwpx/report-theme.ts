import { BORDER_FILL } from './border-fills.js'
import { type CellAlign, type ListItem, type Marks, NO_MARKS, type ParagraphBlock } from './document-model.js'
import type { FontFamily } from './fonts.js'
import { INDENT_STEP, MAX_INDENT } from './page-layout.js'
import { type CharShape, type HorizontalAlign, NO_HEAD, type ParagraphHead, type ParaShape, PropertyRegistry } from './property-registry.js'
import { BULLET_ID, type ListNumbering, ORDERED_NUMBERING_FIRST_ID, TASK_BULLET_ID } from './numbering.js'
import { estimateTextWidth } from './text-width.js'

// The look of a generated report, and the ids header.xml must define for it.

/** The base look of a paragraph's text, before inline marks apply. */
export interface TextStyle {
  readonly font: FontFamily
  readonly height: number
  readonly bold: boolean
  readonly color: string
}

export interface ParagraphFormat {
  readonly styleId: number
  readonly paraPrId: number
  readonly text: TextStyle
}

export interface StyleDefinition {
  readonly id: number
  readonly name: string
  readonly engName: string
  readonly paraPrId: number
  readonly charPrId: number
}

/** Outline levels with their own 개요 style: `##` … `######`. */
const OUTLINE_LEVELS = 5

const BLACK = '#000000'
const LINK_COLOR = '#0563C1'
const RUNNING_HEADER_COLOR = '#595959'
const QUOTE_COLOR = '#505050'
const INLINE_CODE_SHADE = '#EDEDED'

const BODY_TEXT: TextStyle = { font: 'serif', height: 1000, bold: false, color: BLACK }
const TITLE_TEXT: TextStyle = { font: 'gothic', height: 2000, bold: true, color: BLACK }
const HEADING_HEIGHTS = [1600, 1400, 1200, 1100, 1100]
const HEADING_SPACE_BEFORE = [1600, 1200, 800, 600, 600]
const HEADING_SPACE_AFTER = [600, 400, 300, 200, 200]
const COMPACT_LINE_SPACING = 130
/** Text size in table cells and code boxes (9.5 pt). */
export const COMPACT_TEXT_HEIGHT = 950
/** Height of one line of compact text at its line spacing. */
export const COMPACT_LINE_HEIGHT = Math.round(COMPACT_TEXT_HEIGHT * COMPACT_LINE_SPACING / 100)
const TABLE_TEXT: TextStyle = { font: 'sans', height: COMPACT_TEXT_HEIGHT, bold: false, color: BLACK }
const CODE_TEXT: TextStyle = { font: 'mono', height: COMPACT_TEXT_HEIGHT, bold: false, color: BLACK }
const NOTE_TEXT: TextStyle = { font: 'serif', height: 900, bold: false, color: BLACK }
const RUNNING_HEADER_TEXT: TextStyle = { font: 'sans', height: 850, bold: false, color: RUNNING_HEADER_COLOR }

const PARAGRAPH: ParaShape = {
  align: 'JUSTIFY',
  left: 0,
  hanging: 0,
  spaceBefore: 0,
  spaceAfter: 0,
  lineSpacing: 160,
  head: NO_HEAD,
  borderFillId: BORDER_FILL.plain,
  keepWithNext: false
}
const BODY_PARAGRAPH: ParaShape = { ...PARAGRAPH, spaceAfter: 400 }
const LIST_ITEM_SPACE_AFTER = 200
const TITLE_PARAGRAPH: ParaShape = { ...PARAGRAPH, align: 'CENTER', spaceAfter: 1200, keepWithNext: true }
/**
 * The paragraph holding a table or code box: the space after it keeps the
 * next paragraph (or the next box) off the box's bottom border.
 */
const ANCHOR_PARAGRAPH: ParaShape = { ...PARAGRAPH, spaceBefore: 200, spaceAfter: 800 }
const NOTE_PARAGRAPH: ParaShape = { ...PARAGRAPH, lineSpacing: COMPACT_LINE_SPACING }
const RUNNING_HEADER_PARAGRAPH: ParaShape = { ...PARAGRAPH, align: 'RIGHT', lineSpacing: COMPACT_LINE_SPACING, borderFillId: BORDER_FILL.runningHeader }

const STYLE_ID = { normal: 0, body: 1 } as const

/** The style id of 개요 `level` (1-based), as in Hancom's default set. */
function outlineStyleId (level: number): number {
  return STYLE_ID.body + level
}

function indentWidth (levels: number): number {
  return Math.min(levels * INDENT_STEP, MAX_INDENT)
}

function headingLevelIndex (level: number): number {
  return Math.min(Math.max(level, 1), OUTLINE_LEVELS) - 1
}

// One object per look, so ReportTheme can cache charPr ids by identity.
const HEADING_TEXTS: readonly TextStyle[] = HEADING_HEIGHTS.map((height) => ({ font: 'sans', height, bold: true, color: BLACK }))

function headingText (level: number): TextStyle {
  return HEADING_TEXTS[headingLevelIndex(level)] as TextStyle
}

function headingParagraph (level: number): ParaShape {
  const index = headingLevelIndex(level)
  return {
    ...PARAGRAPH,
    align: 'LEFT',
    spaceBefore: HEADING_SPACE_BEFORE[index] as number,
    spaceAfter: HEADING_SPACE_AFTER[index] as number,
    keepWithNext: true
  }
}

const QUOTE_TEXT: TextStyle = { ...BODY_TEXT, color: QUOTE_COLOR }
const TABLE_HEADER_TEXT: TextStyle = { ...TABLE_TEXT, bold: true }

const CELL_ALIGN: Record<Exclude<CellAlign, null>, HorizontalAlign> = { left: 'LEFT', center: 'CENTER', right: 'RIGHT' }

export class ReportTheme {
  readonly registry = new PropertyRegistry()
  readonly styles: readonly StyleDefinition[]
  /** One numbering per ordered list, in first-use order. */
  readonly numberings: ListNumbering[] = []
  private readonly numberingIds = new Map<number, number>()
  /** charPr ids by text style (by identity) and marks bit set. */
  private readonly charPrIds = new Map<TextStyle, Array<number | undefined>>()
  /** Formats that depend only on their arguments: table cells, code lines, anchors. */
  private readonly formats = new Map<string, ParagraphFormat>()

  constructor () {
    // Registered first so that id 0 is plain body text and the plain
    // paragraph, the ids Hancom itself falls back to.
    this.styles = [
      this.style(STYLE_ID.normal, '바탕글', 'Normal', PARAGRAPH, BODY_TEXT),
      this.style(STYLE_ID.body, '본문', 'Body', BODY_PARAGRAPH, BODY_TEXT),
      ...Array.from({ length: OUTLINE_LEVELS }, (_, index) =>
        this.style(outlineStyleId(index + 1), `개요 ${index + 1}`, `Outline ${index + 1}`, headingParagraph(index + 1), headingText(index + 1)))
    ]
    // The basic inline looks always exist, so header.xml reads the same for
    // every report until a document needs a combination of them.
    for (const mark of ['bold', 'italic', 'underline', 'strike', 'code'] as const) {
      this.charPrId(BODY_TEXT, { ...NO_MARKS, [mark]: true })
    }
  }

  /** Cached by what decides the look, so a paragraph costs one lookup, not a shape and its key. */
  paragraph (block: ParagraphBlock): ParagraphFormat {
    if (block.role === 'title') return this.cachedFormat('title', () => this.format(STYLE_ID.normal, TITLE_PARAGRAPH, TITLE_TEXT))
    if (block.role === 'heading') {
      const index = headingLevelIndex(block.headingLevel)
      return this.cachedFormat(`heading|${index}`, () => this.format(outlineStyleId(index + 1), headingParagraph(block.headingLevel), headingText(block.headingLevel)))
    }
    const text = block.quoted ? QUOTE_TEXT : BODY_TEXT
    const textColumn = indentWidth(block.indent)
    if (block.marker === null) {
      return this.cachedFormat(`body|${textColumn}|${+block.quoted}`, () => this.format(STYLE_ID.body, { ...BODY_PARAGRAPH, left: textColumn }, text))
    }
    const marker = block.marker
    const head = block.list === null ? NO_HEAD : this.listHead(block.list)
    return this.cachedFormat(`item|${textColumn}|${+block.quoted}|${head.type}|${head.idRef}|${marker}`, () => {
      const hanging = Math.min(estimateTextWidth(`${marker} `, BODY_TEXT.height), textColumn)
      return this.format(STYLE_ID.body, { ...BODY_PARAGRAPH, left: textColumn - hanging, hanging, spaceAfter: LIST_ITEM_SPACE_AFTER, head }, text)
    })
  }

  /**
   * Hancom's own bullets and paragraph numbers, so the list stays a list
   * when edited. Each ordered list gets a numbering of its own: it starts
   * at the list's first number and never continues another list.
   */
  private listHead (item: ListItem): ParagraphHead {
    if (!item.ordered) {
      return { type: 'BULLET', idRef: item.checked === null ? BULLET_ID[item.depth % BULLET_ID.length] as number : TASK_BULLET_ID[item.checked ? 'done' : 'open'] }
    }
    let id = this.numberingIds.get(item.listId)
    if (id === undefined) {
      id = ORDERED_NUMBERING_FIRST_ID + this.numberings.length
      this.numberings.push({ id, start: item.start, depth: item.depth })
      this.numberingIds.set(item.listId, id)
    }
    return { type: 'NUMBER', idRef: id }
  }

  /** Footnote text at the page foot. */
  note (): ParagraphFormat {
    return this.cachedFormat('note', () => this.format(STYLE_ID.normal, NOTE_PARAGRAPH, NOTE_TEXT))
  }

  /** The running header's line: report title and date, right-aligned, ruled below. */
  runningHeader (): ParagraphFormat {
    return this.cachedFormat('running-header', () => this.format(STYLE_ID.normal, RUNNING_HEADER_PARAGRAPH, RUNNING_HEADER_TEXT))
  }

  tableCell (align: CellAlign, header: boolean): ParagraphFormat {
    // Header cells of an unaligned column are centred, as browsers do.
    const horizontal = align === null ? (header ? 'CENTER' : 'LEFT') : CELL_ALIGN[align]
    return this.cachedFormat(`cell|${horizontal}|${+header}`, () =>
      this.format(STYLE_ID.normal, { ...PARAGRAPH, align: horizontal, lineSpacing: COMPACT_LINE_SPACING }, header ? TABLE_HEADER_TEXT : TABLE_TEXT))
  }

  codeLine (): ParagraphFormat {
    return this.cachedFormat('code', () => this.format(STYLE_ID.normal, { ...PARAGRAPH, align: 'LEFT', lineSpacing: COMPACT_LINE_SPACING }, CODE_TEXT))
  }

  /** The paragraph that anchors a table object. */
  tableAnchor (): ParagraphFormat {
    return this.cachedFormat('anchor', () => this.format(STYLE_ID.normal, ANCHOR_PARAGRAPH, BODY_TEXT))
  }

  rule (indent: number): ParagraphFormat {
    return this.format(STYLE_ID.normal, {
      ...PARAGRAPH,
      left: indentWidth(indent),
      spaceBefore: 200,
      spaceAfter: 600,
      borderFillId: BORDER_FILL.rule
    }, BODY_TEXT)
  }

  /** @param link the text is a hyperlink's, drawn as links are (blue, underlined) */
  charPrId (text: TextStyle, marks: Marks, link = false): number {
    const index = +marks.bold | (+marks.italic << 1) | (+marks.underline << 2) | (+marks.strike << 3) | (+marks.code << 4) | (+link << 5)
    let ids = this.charPrIds.get(text)
    if (ids === undefined) {
      ids = []
      this.charPrIds.set(text, ids)
    }
    let id = ids[index]
    if (id === undefined) {
      id = this.registerCharPr(text, marks, link)
      ids[index] = id
    }
    return id
  }

  private registerCharPr (text: TextStyle, marks: Marks, link: boolean): number {
    const shape: CharShape = {
      font: marks.code ? 'mono' : text.font,
      height: text.height,
      bold: text.bold || marks.bold,
      italic: marks.italic,
      underline: marks.underline || link,
      strike: marks.strike,
      color: link ? LINK_COLOR : text.color,
      shade: marks.code && text.font !== 'mono' ? INLINE_CODE_SHADE : 'none'
    }
    return this.registry.charShapeId(shape)
  }

  /** Registration order is unchanged: the first call registers, later ones reuse. */
  private cachedFormat (key: string, create: () => ParagraphFormat): ParagraphFormat {
    let format = this.formats.get(key)
    if (format === undefined) {
      format = create()
      this.formats.set(key, format)
    }
    return format
  }

  private format (styleId: number, paragraph: ParaShape, text: TextStyle): ParagraphFormat {
    return { styleId, paraPrId: this.registry.paraShapeId(paragraph), text }
  }

  private style (id: number, name: string, engName: string, paragraph: ParaShape, text: TextStyle): StyleDefinition {
    return {
      id,
      name,
      engName,
      paraPrId: this.registry.paraShapeId(paragraph),
      charPrId: this.charPrId(text, NO_MARKS)
    }
  }
}
