import {
  AlignmentType, BorderStyle, Document, ExternalHyperlink, Footer, FootnoteReferenceRun, Header, HeadingLevel,
  ImageRun, LevelFormat, Packer, PageNumber, Paragraph, type ParagraphChild, ShadingType, Tab, Table, TableCell,
  TableRow, TextRun, WidthType
} from 'docx'
import type { Block, CellAlign, ParagraphBlock, Run, TableBlock, TextRun as TextSpan } from '../hwpx/document-model.js'
import { markdownToBlocks, runningHeaderText } from '../hwpx/markdown-to-hwpx.js'
import { BULLET_CHARS, TASK_BOXES } from '../hwpx/tokens-to-blocks.js'
import { stripInvalidXmlChars } from '../hwpx/xml-text.js'

export const DOCX_MIME_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'

export interface DocxOptions {
  /** Document title: core properties and the running header on every page. */
  readonly title: string
  /** When the report was written: the header's date and the core properties. */
  readonly date?: Date
  readonly author?: string
  readonly subject?: string
}

const BODY_FONT = { ascii: 'Malgun Gothic', hAnsi: 'Malgun Gothic', eastAsia: '맑은 고딕', cs: 'Malgun Gothic' }
const CODE_FONT = 'Consolas'
const CODE_SHADE = 'F2F2F2'
const LINK_COLOR = '0563C1'
const QUOTE_COLOR = '505050'
/** Twips (1/1440 inch) per nesting level, as the HWPX indent step (2000 HWPUNIT ≈ 7 mm). */
const INDENT_STEP = 400
const HANGING = 360
/** Usable width of an A4 page with 25 mm margins, in pixels at 96 dpi, for scaling pictures. */
const TEXT_WIDTH_PX = 602
const HEADINGS = [HeadingLevel.HEADING_1, HeadingLevel.HEADING_2, HeadingLevel.HEADING_3, HeadingLevel.HEADING_4, HeadingLevel.HEADING_5, HeadingLevel.HEADING_6]
const ORDERED_TEXT = ['%1.', '%1)', '(%1)']
const BULLETS_REFERENCE = 'bullets'
const ALIGN: Record<Exclude<CellAlign, null>, (typeof AlignmentType)[keyof typeof AlignmentType]> = {
  left: AlignmentType.LEFT,
  center: AlignmentType.CENTER,
  right: AlignmentType.RIGHT
}

/**
 * Converts the same Markdown report to a Word document with the structure
 * the HWPX has: title and headings (Word's own heading styles), Word's own
 * bullet and numbered lists (each numbered list starting at its number),
 * tables with a repeated header row, real footnotes, clickable links,
 * embedded data: URI pictures, a running header and page numbers.
 */
export async function markdownToDocx (markdown: string, options: DocxOptions): Promise<Uint8Array> {
  if (typeof markdown !== 'string') throw new TypeError('markdown must be a string')
  if (typeof options?.title !== 'string') throw new TypeError('options.title must be a string')
  const date = options.date ?? null
  if (date !== null && !(date instanceof Date && Number.isFinite(date.getTime()))) {
    throw new RangeError('options.date must be a valid Date')
  }
  const writer = new DocxWriter()
  const children = writer.blocks(markdownToBlocks(markdown))
  const header = stripInvalidXmlChars(runningHeaderText(options.title, date))
  const document = new Document({
    title: stripInvalidXmlChars(options.title),
    creator: stripInvalidXmlChars(options.author ?? ''),
    subject: stripInvalidXmlChars(options.subject ?? ''),
    styles: {
      default: {
        document: { run: { font: BODY_FONT, size: 21 }, paragraph: { spacing: { after: 120, line: 360 } } },
        heading1: { run: { font: BODY_FONT, size: 32, bold: true, color: '000000' }, paragraph: { spacing: { before: 320, after: 120 } } },
        heading2: { run: { font: BODY_FONT, size: 28, bold: true, color: '000000' }, paragraph: { spacing: { before: 240, after: 80 } } },
        heading3: { run: { font: BODY_FONT, size: 24, bold: true, color: '000000' }, paragraph: { spacing: { before: 160, after: 60 } } }
      },
      paragraphStyles: [{
        id: 'Title',
        name: 'Title',
        basedOn: 'Normal',
        next: 'Normal',
        quickFormat: true,
        run: { font: BODY_FONT, size: 40, bold: true },
        paragraph: { alignment: AlignmentType.CENTER, spacing: { after: 240 } }
      }]
    },
    numbering: { config: writer.numberingConfig() },
    footnotes: writer.footnotes,
    sections: [{
      properties: { page: { size: { width: 11906, height: 16838 }, margin: { top: 1134, bottom: 1134, left: 1417, right: 1417 } } },
      headers: header === ''
        ? undefined
        : {
            default: new Header({
              children: [new Paragraph({
                alignment: AlignmentType.RIGHT,
                border: { bottom: { style: BorderStyle.SINGLE, size: 4, color: '808080', space: 1 } },
                children: [new TextRun({ text: header, size: 17, color: '595959' })]
              })]
            })
          },
      footers: {
        default: new Footer({
          children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ children: ['- ', PageNumber.CURRENT, ' -'], size: 18 })] })]
        })
      },
      children: children.length === 0 ? [new Paragraph({})] : children
    }]
  })
  return new Uint8Array(await Packer.toBuffer(document))
}

type BodyElement = Paragraph | Table

class DocxWriter {
  readonly footnotes: Record<number, { children: Paragraph[] }> = {}
  /** Start number of each ordered list, by the list's id. */
  private readonly orderedLists = new Map<number, { start: number, depth: number }>()

  blocks (blocks: readonly Block[]): BodyElement[] {
    const elements: BodyElement[] = []
    for (const block of blocks) {
      switch (block.type) {
        case 'paragraph':
          elements.push(this.paragraph(block))
          break
        case 'table':
          elements.push(this.table(block), new Paragraph({ spacing: { after: 0 }, children: [] }))
          break
        case 'code':
          for (const [index, line] of block.lines.entries()) {
            elements.push(new Paragraph({
              shading: { type: ShadingType.CLEAR, fill: CODE_SHADE, color: 'auto' },
              spacing: { after: index === block.lines.length - 1 ? 200 : 0, line: 276 },
              children: [new TextRun({ text: stripInvalidXmlChars(line), font: CODE_FONT, size: 19 })]
            }))
          }
          break
        case 'rule':
          elements.push(new Paragraph({
            indent: { left: block.indent * INDENT_STEP },
            border: { bottom: { style: BorderStyle.SINGLE, size: 8, color: '808080', space: 1 } },
            children: []
          }))
      }
    }
    return elements
  }

  numberingConfig (): ConstructorParameters<typeof Document>[0]['numbering'] extends infer N ? N extends { config: infer C } ? C : never : never {
    const bulletLevels = Array.from({ length: 9 }, (_, level) => ({
      level,
      format: LevelFormat.BULLET,
      text: BULLET_CHARS[level % BULLET_CHARS.length] as string,
      alignment: AlignmentType.LEFT,
      style: { paragraph: { indent: { left: (level + 1) * INDENT_STEP + HANGING, hanging: HANGING } } }
    }))
    return [
      { reference: BULLETS_REFERENCE, levels: bulletLevels },
      ...[...this.orderedLists].map(([listId, { start, depth }]) => ({
        reference: orderedReference(listId),
        levels: [{
          level: 0,
          format: LevelFormat.DECIMAL,
          text: ORDERED_TEXT[depth % ORDERED_TEXT.length] as string,
          start,
          alignment: AlignmentType.LEFT,
          style: { paragraph: { indent: { left: (depth + 1) * INDENT_STEP + HANGING, hanging: HANGING } } }
        }]
      }))
    ]
  }

  private paragraph (block: ParagraphBlock): Paragraph {
    const children = this.inline(block.runs, block.quoted ? QUOTE_COLOR : undefined)
    if (block.role === 'title') return new Paragraph({ heading: HeadingLevel.TITLE, children })
    if (block.role === 'heading') {
      return new Paragraph({ heading: HEADINGS[Math.min(Math.max(block.headingLevel, 1), HEADINGS.length) - 1], children })
    }
    const list = block.list
    if (list !== null) {
      const box = list.checked === null ? [] : [new TextRun({ text: `${TASK_BOXES[list.checked ? 'done' : 'open']} ` })]
      if (list.ordered) {
        if (!this.orderedLists.has(list.listId)) this.orderedLists.set(list.listId, { start: list.start, depth: list.depth })
        return new Paragraph({ numbering: { reference: orderedReference(list.listId), level: 0 }, spacing: { after: 60 }, children: [...box, ...children] })
      }
      if (list.checked !== null) {
        // A task item's box is its marker.
        return new Paragraph({ indent: { left: block.indent * INDENT_STEP + HANGING, hanging: HANGING }, spacing: { after: 60 }, children: [...box, ...children] })
      }
      return new Paragraph({ numbering: { reference: BULLETS_REFERENCE, level: Math.min(list.depth, 8) }, spacing: { after: 60 }, children })
    }
    const indent = block.indent * INDENT_STEP + (block.marker === null ? 0 : HANGING)
    return new Paragraph({
      indent: indent === 0 ? undefined : { left: indent },
      border: block.quoted ? { left: { style: BorderStyle.SINGLE, size: 12, color: 'BFBFBF', space: 8 } } : undefined,
      children
    })
  }

  private table (table: TableBlock): Table {
    const columns = table.align.length
    return new Table({
      width: { size: 100, type: WidthType.PERCENTAGE },
      rows: table.rows.map((row, rowIndex) => new TableRow({
        tableHeader: rowIndex === 0 ? true : undefined,
        children: row.map((cell, column) => new TableCell({
          width: { size: Math.floor(100 / columns), type: WidthType.PERCENTAGE },
          shading: rowIndex === 0 ? { type: ShadingType.CLEAR, fill: 'E7E6E6', color: 'auto' } : undefined,
          children: [new Paragraph({
            alignment: ALIGN[table.align[column] ?? (rowIndex === 0 ? 'center' : 'left')],
            spacing: { after: 0 },
            children: this.inline(cell, undefined, rowIndex === 0)
          })]
        }))
      }))
    })
  }

  private inline (runs: readonly Run[], color: string | undefined, bold = false): ParagraphChild[] {
    const children: ParagraphChild[] = []
    const open: { link: { url: string, runs: TextRun[] } | null } = { link: null }
    const closeLink = (): void => {
      if (open.link !== null) children.push(new ExternalHyperlink({ link: open.link.url, children: open.link.runs }))
      open.link = null
    }
    for (const run of runs) {
      if (run.type === 'text') {
        const pieces = textRuns(run, color, bold)
        if (run.link === null) {
          closeLink()
          children.push(...pieces)
        } else {
          if (open.link?.url !== run.link) {
            closeLink()
            open.link = { url: run.link, runs: [] }
          }
          open.link.runs.push(...pieces)
        }
      } else if (run.type === 'note') {
        closeLink()
        this.footnotes[run.number] = { children: this.noteParagraphs(run.blocks) }
        children.push(new FootnoteReferenceRun(run.number))
      } else {
        closeLink()
        const scale = Math.min(1, TEXT_WIDTH_PX / run.width)
        children.push(new ImageRun({
          type: run.format,
          data: run.data,
          transformation: { width: Math.max(1, Math.round(run.width * scale)), height: Math.max(1, Math.round(run.height * scale)) },
          altText: { name: stripInvalidXmlChars(run.alt), description: stripInvalidXmlChars(run.alt), title: stripInvalidXmlChars(run.alt) }
        }))
      }
    }
    closeLink()
    return children
  }

  /** A footnote holds text: tables give a line per row, code a line per line. */
  private noteParagraphs (blocks: readonly Block[]): Paragraph[] {
    const paragraphs: Paragraph[] = []
    for (const block of blocks) {
      if (block.type === 'paragraph') {
        const marker = block.marker === null ? [] : [new TextRun({ text: `${block.marker} ` })]
        paragraphs.push(new Paragraph({ children: [...marker, ...this.inline(block.runs, undefined)] }))
      } else if (block.type === 'table') {
        for (const row of block.rows) paragraphs.push(new Paragraph({ children: [new TextRun({ text: stripInvalidXmlChars(row.map(cellText).join(' | ')) })] }))
      } else if (block.type === 'code') {
        for (const line of block.lines) paragraphs.push(new Paragraph({ children: [new TextRun({ text: stripInvalidXmlChars(line), font: CODE_FONT })] }))
      }
    }
    return paragraphs.length === 0 ? [new Paragraph({})] : paragraphs
  }
}

function orderedReference (listId: number): string {
  return `ordered-${listId}`
}

function cellText (cell: readonly Run[]): string {
  return cell.map((run) => run.type === 'text' ? run.text : run.type === 'image' ? run.alt : '').join('')
}

/** A text run's lines and tabs as Word wants them: breaks and tabs are elements. */
function textRuns (run: TextSpan, color: string | undefined, bold: boolean): TextRun[] {
  const { marks } = run
  const look = {
    bold: bold || marks.bold,
    italics: marks.italic,
    strike: marks.strike,
    underline: marks.underline || run.link !== null ? {} : undefined,
    color: run.link !== null ? LINK_COLOR : color,
    font: marks.code ? CODE_FONT : undefined,
    shading: marks.code ? { type: ShadingType.CLEAR, fill: 'EDEDED', color: 'auto' } : undefined
  }
  return stripInvalidXmlChars(run.text).replace(/\r/g, '').split('\n').map((line, index) => {
    const pieces = line.split('\t')
    const children: Array<string | Tab> = []
    pieces.forEach((piece, pieceIndex) => {
      if (pieceIndex > 0) children.push(new Tab())
      if (piece !== '') children.push(piece)
    })
    return new TextRun({ ...look, children, break: index > 0 ? 1 : undefined })
  })
}
