import { BORDER_FILL } from './border-fills.js'
import type { Block, CodeBlock, ImageFormat, ImageRun, NoteRun, ParagraphBlock, Run, TableBlock } from './document-model.js'
import { NO_MARKS, textRun } from './document-model.js'
import { ROOT_NAMESPACE_ATTRIBUTES, XML_DECLARATION } from './namespaces.js'
import { BODY_WIDTH, PAGE, TABLE_WIDTH } from './page-layout.js'
import { COMPACT_LINE_HEIGHT, COMPACT_TEXT_HEIGHT, type ParagraphFormat, type ReportTheme } from './report-theme.js'
import { SECTION_PROPERTIES_XML } from './section-properties-xml.js'
import { estimateRowHeight, fitColumnWidths } from './table-layout.js'
import { cellEnd, cellStart, TABLE_END, type TableLook, tableStart } from './table-xml.js'
import { TASK_BOXES } from './tokens-to-blocks.js'
import { Utf8Buffer } from './utf8-buffer.js'
import { escapeXmlText, stripInvalidXmlChars } from './xml-text.js'

/** A picture to store in the package as BinData/{id}.{format}. */
export interface BinaryItem {
  readonly id: string
  readonly format: ImageFormat
  readonly data: Uint8Array
}

export interface SectionOptions {
  /** The running header's text (report title and date); empty for none. */
  readonly runningHeader: string
}

/** Hancom's field id for hyperlinks. */
const HYPERLINK_FIELD_ID = 627600491
/** HWPUNIT per CSS pixel (96 per inch). */
const HWPUNIT_PER_PIXEL = 75

const TABLE_LOOK: TableLook = {
  borderFillId: BORDER_FILL.tableGrid,
  headerBorderFillId: BORDER_FILL.tableHeader,
  repeatHeader: true,
  vertAlign: 'CENTER'
}

const CODE_BOX_LOOK: TableLook = {
  borderFillId: BORDER_FILL.codeBox,
  headerBorderFillId: BORDER_FILL.codeBox,
  repeatHeader: false,
  vertAlign: 'TOP'
}

const SECTION_OPEN = `<hs:sec ${ROOT_NAMESPACE_ATTRIBUTES}>`
const HYPERLINK_END_TAIL = `" fieldid="${HYPERLINK_FIELD_ID}"/></hp:ctrl></hp:run>`
const TABLE_CELL_START = { body: cellStart(TABLE_LOOK, false), header: cellStart(TABLE_LOOK, true) }
const CODE_CELL_START = cellStart(CODE_BOX_LOOK, false)

/**
 * Contents/section0.xml. Paragraph ids are unique and sequential; no layout
 * cache (hp:linesegarray) is written, so Hancom lays every line out itself
 * instead of trusting positions that could not match its fonts.
 */
export function buildSectionXml (blocks: readonly Block[], theme: ReportTheme, options: SectionOptions): { xml: Uint8Array, binaryItems: BinaryItem[] } {
  const writer = new SectionWriter(theme, options)
  for (const block of blocks) writer.block(block)
  return { xml: writer.finish(), binaryItems: writer.binaryItems }
}

/** Pieces gathered before they are encoded: about 30 KB of text, small enough to stay in cache. */
const PIECES_PER_CHUNK = 4096

/**
 * Writes the part as short pieces, joined and encoded to UTF-8 a chunk at a
 * time between blocks (a table or footnote fills in its opening tag once its
 * contents are written, so a block is never split). The markup that repeats
 * (a paragraph's opening tag after its id, a run's opening tag) is built
 * once per property id, so a paragraph costs a few array pushes instead of
 * nested string concatenations that the encoding would have to flatten.
 */
class SectionWriter {
  readonly binaryItems: BinaryItem[] = []
  private readonly out: string[] = [XML_DECLARATION, SECTION_OPEN]
  private readonly utf8 = new Utf8Buffer()
  private nextParagraphId = 0
  private nextObjectId = 1
  /** Page setup goes into the first run of the first paragraph written. */
  private sectionPropertiesPending = true
  /** Per style id, per paraPr id: the rest of a paragraph's opening tag after its id. */
  private readonly paragraphTails: string[][] = []
  /** Per charPr id: `<hp:run charPrIDRef="…">`. */
  private readonly runOpenings: string[] = []

  constructor (private readonly theme: ReportTheme, private readonly options: SectionOptions) {}

  finish (): Uint8Array {
    if (this.sectionPropertiesPending) {
      // A section needs at least one paragraph to carry its page setup.
      this.paragraph(this.theme.tableAnchor(), [])
    }
    this.out.push('</hs:sec>')
    this.flush()
    return this.utf8.contents()
  }

  private flush (): void {
    this.utf8.append(this.out.join(''))
    this.out.length = 0
  }

  block (block: Block): void {
    if (this.out.length >= PIECES_PER_CHUNK) this.flush()
    switch (block.type) {
      case 'paragraph':
        this.textParagraph(block)
        break
      case 'table':
        this.table(block)
        break
      case 'code':
        this.codeBox(block)
        break
      case 'rule':
        this.paragraph(this.theme.rule(block.indent), [])
    }
  }

  private textParagraph (block: ParagraphBlock): void {
    const format = this.theme.paragraph(block)
    // Bullets and numbers are the paragraph's own (hh:heading); only the
    // box of an ordered task item is text.
    const box = block.list?.ordered === true && block.list.checked !== null ? TASK_BOXES[block.list.checked ? 'done' : 'open'] : null
    const runs = block.list === null && block.marker !== null
      ? [textRun(`${block.marker} `), ...block.runs]
      : box !== null ? [textRun(`${box} `), ...block.runs] : block.runs
    this.paragraph(format, runs)
  }

  /** @param lead markup written before the runs (a footnote's number) */
  private paragraph (format: ParagraphFormat, runs: readonly Run[], lead = ''): void {
    this.paragraphStart(format)
    if (lead !== '') this.out.push(lead)
    const before = this.out.length
    this.runs(format, runs)
    if (this.out.length === before) this.out.push(`<hp:run charPrIDRef="${this.theme.charPrId(format.text, NO_MARKS)}"/>`)
    this.out.push('</hp:p>')
  }

  /** A paragraph of one line of unmarked text (a code line). */
  private plainParagraph (format: ParagraphFormat, text: string): void {
    this.paragraphStart(format)
    const id = this.theme.charPrId(format.text, NO_MARKS)
    if (text === '') this.out.push(`<hp:run charPrIDRef="${id}"/>`)
    else this.textRun(id, text)
    this.out.push('</hp:p>')
  }

  /** Opens a paragraph, giving it the page setup if it is the first one. */
  private paragraphStart (format: ParagraphFormat): void {
    this.out.push('<hp:p id="', String(this.nextParagraphId++), this.paragraphTail(format))
    if (this.sectionPropertiesPending) {
      this.sectionPropertiesPending = false
      this.out.push(this.runOpening(this.theme.charPrId(format.text, NO_MARKS)), SECTION_PROPERTIES_XML)
      this.pageDecorations()
      this.out.push('</hp:run>')
    }
  }

  private paragraphTail (format: ParagraphFormat): string {
    const tails = this.paragraphTails[format.styleId] ??= []
    let tail = tails[format.paraPrId]
    if (tail === undefined) {
      tail = `" paraPrIDRef="${format.paraPrId}" styleIDRef="${format.styleId}" pageBreak="0" columnBreak="0" merged="0">`
      tails[format.paraPrId] = tail
    }
    return tail
  }

  private runOpening (charPrId: number): string {
    let opening = this.runOpenings[charPrId]
    if (opening === undefined) {
      opening = `<hp:run charPrIDRef="${charPrId}">`
      this.runOpenings[charPrId] = opening
    }
    return opening
  }

  private textRun (charPrId: number, text: string): void {
    this.out.push(this.runOpening(charPrId), '<hp:t>', textXml(text), '</hp:t></hp:run>')
  }

  /**
   * What every page shows besides the body: the running header (title and
   * date) and the page number at the bottom centre ("- 3 -"), both
   * Hancom's own controls, so they follow the pages as the text reflows.
   */
  private pageDecorations (): void {
    if (this.options.runningHeader !== '') {
      const format = this.theme.runningHeader()
      this.out.push('<hp:ctrl><hp:header id="1" applyPageType="BOTH">' +
        `<hp:subList id="" textDirection="HORIZONTAL" lineWrap="BREAK" vertAlign="BOTTOM" linkListIDRef="0" linkListNextIDRef="0" textWidth="${BODY_WIDTH}" textHeight="${PAGE.marginHeader}" hasTextRef="0" hasNumRef="0">`)
      this.out.push('<hp:p id="', String(this.nextParagraphId++), this.paragraphTail(format))
      this.textRun(this.theme.charPrId(format.text, NO_MARKS), this.options.runningHeader)
      this.out.push('</hp:p></hp:subList></hp:header></hp:ctrl>')
    }
    this.out.push('<hp:ctrl><hp:pageNum pos="BOTTOM_CENTER" formatType="DIGIT" sideChar="-"/></hp:ctrl>')
  }

  /**
   * Adjacent text runs that map to the same charPr are written as one; a
   * link's runs sit between the fieldBegin and fieldEnd of a hyperlink.
   */
  private runs (format: ParagraphFormat, runs: readonly Run[]): void {
    // One pass without helper closures: this runs for every paragraph.
    const out = this.out
    const baseId = this.theme.charPrId(format.text, NO_MARKS)
    let openId = -1
    let text = ''
    let openLink: string | null = null
    let openField = 0
    for (const run of runs) {
      const link = run.type === 'text' ? run.link : null
      if (run.type === 'text' && run.text === '') continue
      if (link !== openLink || run.type !== 'text') {
        if (openId >= 0) this.textRun(openId, text)
        openId = -1
        text = ''
        if (openLink !== null && link !== openLink) {
          out.push(this.runOpening(baseId), '<hp:ctrl><hp:fieldEnd beginIDRef="', String(openField), HYPERLINK_END_TAIL)
        }
        if (link !== null && link !== openLink) {
          openField = this.nextObjectId++
          out.push(this.runOpening(baseId), '<hp:ctrl>', hyperlinkBeginXml(openField, link), '</hp:ctrl></hp:run>')
        }
        openLink = link
      }
      if (run.type === 'text') {
        const id = this.theme.charPrId(format.text, run.marks, link !== null)
        if (id !== openId) {
          if (openId >= 0) this.textRun(openId, text)
          openId = id
          text = ''
        }
        text += run.text
      } else {
        out.push(this.runOpening(baseId))
        if (run.type === 'note') this.footnote(run)
        else out.push(this.picture(run))
        out.push('</hp:run>')
      }
    }
    if (openId >= 0) this.textRun(openId, text)
    if (openLink !== null) out.push(this.runOpening(baseId), '<hp:ctrl><hp:fieldEnd beginIDRef="', String(openField), HYPERLINK_END_TAIL)
  }

  /** A real footnote: its number in the text, its text at the foot of the page. */
  private footnote (note: NoteRun): void {
    const format = this.theme.note()
    // The first paragraph starts with the note's number, as Hancom writes it.
    const number = this.runOpening(this.theme.charPrId(format.text, NO_MARKS)) +
      `<hp:ctrl><hp:autoNum num="${note.number}" numType="FOOTNOTE"><hp:autoNumFormat type="DIGIT" userChar="" prefixChar="" suffixChar=")" supscript="0"/></hp:autoNum></hp:ctrl>` +
      '<hp:t> </hp:t></hp:run>'
    // The note's instance id is taken after those of the objects inside it.
    const opening = this.out.length
    this.out.push('')
    const paragraphs = noteParagraphs(note.blocks)
    for (let index = 0; index < paragraphs.length; index++) this.paragraph(format, paragraphs[index] as readonly Run[], index === 0 ? number : '')
    this.out[opening] = `<hp:ctrl><hp:footNote number="${note.number}" suffixChar="41" instId="${this.nextObjectId++}">` +
      '<hp:subList id="" textDirection="HORIZONTAL" lineWrap="BREAK" vertAlign="TOP" linkListIDRef="0" linkListNextIDRef="0" textWidth="0" textHeight="0" hasTextRef="0" hasNumRef="0">'
    this.out.push('</hp:subList></hp:footNote></hp:ctrl>')
  }

  /** An embedded picture set in the line like a character, at most the text column wide. */
  private picture (image: ImageRun): string {
    const id = this.nextObjectId++
    const binaryId = `image${this.binaryItems.length + 1}`
    this.binaryItems.push({ id: binaryId, format: image.format, data: image.data })
    const naturalWidth = image.width * HWPUNIT_PER_PIXEL
    const naturalHeight = image.height * HWPUNIT_PER_PIXEL
    const scale = Math.min(1, TABLE_WIDTH / naturalWidth)
    const width = Math.max(1, Math.round(naturalWidth * scale))
    const height = Math.max(1, Math.round(naturalHeight * scale))
    const identity = 'e1="1" e2="0" e3="0" e4="0" e5="1" e6="0"'
    return `<hp:pic id="${id}" zOrder="${id}" numberingType="PICTURE" textWrap="TOP_AND_BOTTOM" textFlow="BOTH_SIDES" lock="0" dropcapstyle="None" href="" groupLevel="0" instid="${id}" reverse="0">` +
      `<hp:offset x="0" y="0"/><hp:orgSz width="${width}" height="${height}"/><hp:curSz width="${width}" height="${height}"/>` +
      `<hp:flip horizontal="0" vertical="0"/><hp:rotationInfo angle="0" centerX="${Math.floor(width / 2)}" centerY="${Math.floor(height / 2)}" rotateimage="1"/>` +
      `<hp:renderingInfo><hc:transMatrix ${identity}/><hc:scaMatrix ${identity}/><hc:rotMatrix ${identity}/></hp:renderingInfo>` +
      `<hp:imgRect><hc:pt0 x="0" y="0"/><hc:pt1 x="${width}" y="0"/><hc:pt2 x="${width}" y="${height}"/><hc:pt3 x="0" y="${height}"/></hp:imgRect>` +
      `<hp:imgClip left="0" right="${naturalWidth}" top="0" bottom="${naturalHeight}"/>` +
      '<hp:inMargin left="0" right="0" top="0" bottom="0"/>' +
      `<hp:imgDim dimwidth="${naturalWidth}" dimheight="${naturalHeight}"/>` +
      `<hc:img binaryItemIDRef="${binaryId}" bright="0" contrast="0" effect="REAL_PIC" alpha="0"/>` +
      '<hp:effects/>' +
      `<hp:sz width="${width}" widthRelTo="ABSOLUTE" height="${height}" heightRelTo="ABSOLUTE" protect="0"/>` +
      '<hp:pos treatAsChar="1" affectLSpacing="0" flowWithText="1" allowOverlap="0" holdAnchorAndSO="0" vertRelTo="PARA" horzRelTo="COLUMN" vertAlign="TOP" horzAlign="LEFT" vertOffset="0" horzOffset="0"/>' +
      '<hp:outMargin left="0" right="0" top="0" bottom="0"/>' +
      `<hp:shapeComment>${escapeXmlText(image.alt)}</hp:shapeComment>` +
      '</hp:pic><hp:t/>'
  }

  private table (table: TableBlock): void {
    // The anchoring paragraph is opened first: it precedes the cells'
    // paragraphs in the document, so it is the one to carry the page setup.
    const anchor = this.theme.tableAnchor()
    this.paragraphStart(anchor)
    const lines = table.rows.map((row) => row.map(hardLines))
    const widths = fitColumnWidths(table.align.map((_, column) => lines.map((row) => row[column] as string[])), COMPACT_TEXT_HEIGHT, TABLE_WIDTH)
    const heights = lines.map((row) => rowHeight(row, widths))
    const out = this.out
    out.push(this.runOpening(this.theme.charPrId(anchor.text, NO_MARKS)))
    // The table's id is taken after those of the objects in its cells.
    const opening = out.length
    out.push('')
    for (let rowIndex = 0; rowIndex < table.rows.length; rowIndex++) {
      const row = table.rows[rowIndex] as ReadonlyArray<readonly Run[]>
      const header = rowIndex === 0
      out.push('<hp:tr>')
      for (let column = 0; column < row.length; column++) {
        out.push(header ? TABLE_CELL_START.header : TABLE_CELL_START.body)
        this.paragraph(this.theme.tableCell(table.align[column] ?? null, header), row[column] as readonly Run[])
        out.push(cellEnd(column, rowIndex, widths[column] as number, heights[rowIndex] as number))
      }
      out.push('</hp:tr>')
    }
    out[opening] = tableStart(this.nextObjectId++, table.rows.length, widths, heights, TABLE_LOOK)
    out.push(TABLE_END, OBJECT_RUN_END, '</hp:p>')
  }

  /** A code block is a one-cell shaded table of monospace lines. */
  private codeBox (code: CodeBlock): void {
    const anchor = this.theme.tableAnchor()
    this.paragraphStart(anchor)
    const format = this.theme.codeLine()
    const height = rowHeight([code.lines], [TABLE_WIDTH])
    const out = this.out
    out.push(this.runOpening(this.theme.charPrId(anchor.text, NO_MARKS)), tableStart(this.nextObjectId++, 1, [TABLE_WIDTH], [height], CODE_BOX_LOOK), '<hp:tr>', CODE_CELL_START)
    for (const line of code.lines) this.plainParagraph(format, line)
    out.push(cellEnd(0, 0, TABLE_WIDTH, height), '</hp:tr>', TABLE_END, OBJECT_RUN_END, '</hp:p>')
  }
}

/** Hancom follows an object with an empty text element in the same run. */
const OBJECT_RUN_END = '<hp:t/></hp:run>'

function rowHeight (cells: ReadonlyArray<readonly string[]>, widths: readonly number[]): number {
  return estimateRowHeight(cells.map((lines, column) => ({ lines, width: widths[column] as number })), COMPACT_TEXT_HEIGHT, COMPACT_LINE_HEIGHT)
}

function hardLines (runs: readonly Run[]): string[] {
  const text = runs.length === 1 ? runText(runs[0] as Run) : runs.map(runText).join('')
  return text.includes('\n') ? text.split('\n') : [text]
}

function runText (run: Run): string {
  return run.type === 'text' ? run.text : run.type === 'image' ? run.alt : String(run.number)
}

/**
 * A note's blocks as paragraphs of runs: a footnote holds text only, so a
 * table gives a line per row and a code block a line per line.
 */
function noteParagraphs (blocks: readonly Block[]): Array<readonly Run[]> {
  const paragraphs: Array<readonly Run[]> = []
  for (const block of blocks) {
    switch (block.type) {
      case 'paragraph':
        paragraphs.push(block.marker === null ? block.runs : [textRun(`${block.marker} `), ...block.runs])
        break
      case 'table':
        for (const row of block.rows) paragraphs.push([textRun(row.map((cell) => cell.map(runText).join('')).join(' | '))])
        break
      case 'code':
        for (const line of block.lines) paragraphs.push([textRun(line, { ...NO_MARKS, code: true })])
    }
  }
  return paragraphs.length === 0 ? [[]] : paragraphs
}

/**
 * A hyperlink field as Hancom writes it: the target both as the command
 * (':' escaped) and as the plain path readers look for.
 */
function hyperlinkBeginXml (id: number, url: string): string {
  const path = escapeXmlText(url)
  const command = escapeXmlText(url.replace(/\\/g, '\\\\').replace(/:/g, '\\:').replace(/;/g, '\\;'))
  return `<hp:fieldBegin id="${id}" type="HYPERLINK" name="" editable="0" dirty="0" zorder="-1" fieldid="${HYPERLINK_FIELD_ID}">` +
    '<hp:parameters cnt="6" name=""><hp:integerParam name="Prop">0</hp:integerParam>' +
    `<hp:stringParam name="Command">${command};1;0;0</hp:stringParam>` +
    `<hp:stringParam name="Path">${path}</hp:stringParam>` +
    '<hp:stringParam name="Category">HWPHYPERLINK_TYPE_URL</hp:stringParam>' +
    '<hp:stringParam name="TargetType">HWPHYPERLINK_TARGET_BOOKMARK</hp:stringParam>' +
    '<hp:stringParam name="DocOpenType">HWPHYPERLINK_JUMP_CURRENTTAB</hp:stringParam>' +
    '</hp:parameters></hp:fieldBegin>'
}

/**
 * What hp:t content needs besides dropping invalid characters: markup
 * escaped, CR dropped, line breaks and tabs as elements (never raw).
 */
const TEXT_REPLACEMENTS: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '\r': '',
  '\n': '<hp:lineBreak/>',
  '\t': '<hp:tab width="4000" leader="0" type="1"/>'
}
const TEXT_SPECIAL = /[&<>\r\n\t]/g
const HAS_TEXT_SPECIAL = /[&<>\r\n\t]/

/** hp:t content: line breaks and tabs are elements inside hp:t, never raw. */
function textXml (text: string): string {
  const clean = stripInvalidXmlChars(text)
  return HAS_TEXT_SPECIAL.test(clean) ? clean.replace(TEXT_SPECIAL, (c) => TEXT_REPLACEMENTS[c] as string) : clean
}
