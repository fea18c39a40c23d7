import { BORDER_FILL } from './border-fills.js'
import type { Block, CodeBlock, ParagraphBlock, Run, TableBlock } from './document-model.js'
import { NO_MARKS } from './document-model.js'
import { ROOT_NAMESPACE_ATTRIBUTES, XML_DECLARATION } from './namespaces.js'
import { TABLE_WIDTH } from './page-layout.js'
import { COMPACT_LINE_HEIGHT, COMPACT_TEXT_HEIGHT, type ParagraphFormat, type ReportTheme } from './report-theme.js'
import { SECTION_PROPERTIES_XML } from './section-properties-xml.js'
import { estimateRowHeight, fitColumnWidths } from './table-layout.js'
import { type TableCell, type TableLook, tableXml } from './table-xml.js'
import { stripInvalidXmlChars } from './xml-text.js'

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

/**
 * Contents/section0.xml. Paragraph ids are unique and sequential; no layout
 * cache (hp:linesegarray) is written, so Hancom lays every line out itself
 * instead of trusting positions that could not match its fonts.
 */
export function buildSectionXml (blocks: readonly Block[], theme: ReportTheme): string {
  const writer = new SectionWriter(theme)
  for (const block of blocks) writer.block(block)
  return XML_DECLARATION + `<hs:sec ${ROOT_NAMESPACE_ATTRIBUTES}>${writer.body()}</hs:sec>`
}

class SectionWriter {
  private readonly parts: string[] = []
  private nextParagraphId = 0
  private nextObjectId = 1
  /** Page setup goes into the first run of the first paragraph written. */
  private sectionPropertiesPending = true

  constructor (private readonly theme: ReportTheme) {}

  body (): string {
    if (this.sectionPropertiesPending) {
      // A section needs at least one paragraph to carry its page setup.
      this.parts.push(this.paragraph(this.theme.tableAnchor(), []))
    }
    return this.parts.join('')
  }

  block (block: Block): void {
    switch (block.type) {
      case 'paragraph':
        this.parts.push(this.textParagraph(block))
        break
      case 'table':
        this.parts.push(this.table(block))
        break
      case 'code':
        this.parts.push(this.codeBox(block))
        break
      case 'rule':
        this.parts.push(this.paragraph(this.theme.rule(block.indent), []))
    }
  }

  private textParagraph (block: ParagraphBlock): string {
    const format = this.theme.paragraph(block)
    const runs = block.marker === null ? block.runs : [{ text: `${block.marker} `, marks: NO_MARKS }, ...block.runs]
    return this.paragraph(format, runs)
  }

  private paragraph (format: ParagraphFormat, runs: readonly Run[]): string {
    const start = this.paragraphStart(format)
    const runXml = this.runs(format, runs)
    return start + (runXml === '' ? `<hp:run charPrIDRef="${this.theme.charPrId(format.text, NO_MARKS)}"/>` : runXml) + '</hp:p>'
  }

  /** Opens a paragraph, giving it the page setup if it is the first one. */
  private paragraphStart (format: ParagraphFormat): string {
    let xml = `<hp:p id="${this.nextParagraphId++}" paraPrIDRef="${format.paraPrId}" styleIDRef="${format.styleId}" pageBreak="0" columnBreak="0" merged="0">`
    if (this.sectionPropertiesPending) {
      this.sectionPropertiesPending = false
      xml += `<hp:run charPrIDRef="${this.theme.charPrId(format.text, NO_MARKS)}">${SECTION_PROPERTIES_XML}</hp:run>`
    }
    return xml
  }

  /** Adjacent runs that map to the same charPr are written as one. */
  private runs (format: ParagraphFormat, runs: readonly Run[]): string {
    let xml = ''
    let openId = -1
    let text = ''
    for (const run of runs) {
      if (run.text === '') continue
      const id = this.theme.charPrId(format.text, run.marks)
      if (id !== openId) {
        if (openId >= 0) xml += runXml(openId, text)
        openId = id
        text = ''
      }
      text += run.text
    }
    if (openId >= 0) xml += runXml(openId, text)
    return xml
  }

  private table (table: TableBlock): string {
    // The anchoring paragraph is opened first: it precedes the cells'
    // paragraphs in the document, so it is the one to carry the page setup.
    const anchor = this.theme.tableAnchor()
    const start = this.paragraphStart(anchor)
    const cells: TableCell[][] = table.rows.map((row, rowIndex) => row.map((runs, column) => ({
      paragraphsXml: this.paragraph(this.theme.tableCell(table.align[column] ?? null, rowIndex === 0), runs),
      lines: hardLines(runs),
      header: rowIndex === 0
    })))
    const columns = table.align.map((_, column) => cells.map((row) => (row[column] as TableCell).lines))
    const widths = fitColumnWidths(columns, COMPACT_TEXT_HEIGHT, TABLE_WIDTH)
    return start + this.objectRun(anchor, tableXml(this.nextObjectId++, cells, widths, this.rowHeights(cells, widths), TABLE_LOOK)) + '</hp:p>'
  }

  /** A code block is a one-cell shaded table of monospace lines. */
  private codeBox (code: CodeBlock): string {
    const anchor = this.theme.tableAnchor()
    const start = this.paragraphStart(anchor)
    const format = this.theme.codeLine()
    const paragraphsXml = code.lines.map((line) => this.paragraph(format, [{ text: line, marks: NO_MARKS }])).join('')
    const cells = [[{ paragraphsXml, lines: code.lines, header: false }]]
    return start + this.objectRun(anchor, tableXml(this.nextObjectId++, cells, [TABLE_WIDTH], this.rowHeights(cells, [TABLE_WIDTH]), CODE_BOX_LOOK)) + '</hp:p>'
  }

  private rowHeights (cells: ReadonlyArray<readonly TableCell[]>, widths: readonly number[]): number[] {
    return cells.map((row) =>
      estimateRowHeight(row.map((cell, column) => ({ lines: cell.lines, width: widths[column] as number })), COMPACT_TEXT_HEIGHT, COMPACT_LINE_HEIGHT))
  }

  /** Hancom follows an object with an empty text element in the same run. */
  private objectRun (anchor: ParagraphFormat, objectXml: string): string {
    return `<hp:run charPrIDRef="${this.theme.charPrId(anchor.text, NO_MARKS)}">${objectXml}<hp:t/></hp:run>`
  }
}

function runXml (charPrId: number, text: string): string {
  return `<hp:run charPrIDRef="${charPrId}"><hp:t>${textXml(text)}</hp:t></hp:run>`
}

function hardLines (runs: readonly Run[]): string[] {
  const text = runs.length === 1 ? (runs[0] as Run).text : runs.map((run) => run.text).join('')
  return text.includes('\n') ? text.split('\n') : [text]
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
