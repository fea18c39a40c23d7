// Independent HWPX readers as oracles: the realistic report must become a
// package that other people's HWPX parsers open, with its text and structure
// intact. Two readers that share no code with us (or with each other):
//  - kordoc: a JS HWPX parser with a container validator (validateHwpx);
//  - @rhwp/core: a Rust/WASM HWP/HWPX parser and renderer, loaded from the
//    wasm file in node_modules (initSync, no fetch).
// What the Markdown shows is derived from an mdast parse of the Markdown,
// never from our own converter.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { HwpDocument, initSync } from '@rhwp/core'
import { parseHwpx, validateHwpx, type IRBlock, type ParseResult } from 'kordoc'
import type { Heading, Nodes, Root, Table } from 'mdast'
import { fromMarkdown } from 'mdast-util-from-markdown'
import { gfmFromMarkdown } from 'mdast-util-gfm'
import { toString } from 'mdast-util-to-string'
import { gfm } from 'micromark-extension-gfm'
import t, { type Test } from 'tap'
import { markdownToHwpx } from '../../../src/hwpx/index.js'
import { firstMissingPiece, markdownTextPieces, normalizeWhitespace } from './support/markdown-oracle.js'
import { childElements, parseXml } from './support/xml.js'
import { text, unzipHwpx } from './support/zip.js'

const report = readFileSync(new URL('../../fixtures/hwpx/report.md', import.meta.url), 'utf8')
const bytes = await markdownToHwpx(report, { title: '2025년 국내 전기차 충전 인프라 시장 분석 보고서' })

// ---------------------------------------------------------------- what the Markdown shows

const tree: Root = fromMarkdown(report, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] })

function * walk (node: Nodes): Generator<Nodes> {
  yield node
  if ('children' in node) for (const child of node.children) yield * walk(child)
}

const source = (node: Nodes): string => report.slice(node.position?.start.offset, node.position?.end.offset)

/** The visible text of some inline Markdown, as a plain string ("<br>" is a line break). */
const plainText = (node: Nodes): string => normalizeWhitespace(toString(node, { includeHtml: false }))

const headings = [...walk(tree)].filter((node): node is Heading => node.type === 'heading')
// The first (and only) '#' heading is the document title: a title paragraph,
// not an outline heading. '##'..'######' are outline levels 1..5.
const [titleHeading, ...outlineHeadings] = headings
const expectedTitle = plainText(titleHeading as Heading)
const expectedHeadings = outlineHeadings.map((heading) => ({ level: heading.depth - 1, text: plainText(heading) }))

interface ExpectedTable {
  readonly rows: number
  readonly cols: number
  /** Each cell's Markdown source, for markdownTextPieces. */
  readonly cells: readonly (readonly string[])[]
}
// GFM tables become HWPX tables; so do code blocks, deliberately, as
// one-cell shaded boxes (section-xml.ts codeBox). Both, in document order.
const expectedTables: ExpectedTable[] = [...walk(tree)].flatMap((node): ExpectedTable[] => {
  if (node.type === 'code') return [{ rows: 1, cols: 1, cells: [[source(node)]] }]
  if (node.type !== 'table') return []
  return [{
    rows: node.children.length,
    cols: node.children[0]?.children.length ?? 0,
    cells: node.children.map((row) => row.children.map((cell) => cell.children.map(source).join('')))
  }]
})
const gfmTables = [...walk(tree)].filter((node): node is Table => node.type === 'table')

t.test('the oracle expectations are themselves sane', async (t) => {
  t.equal(headings.filter((heading) => heading.depth === 1).length, 1, 'exactly one # title')
  t.equal(titleHeading?.depth, 1, 'the title comes first')
  t.ok(expectedHeadings.length >= 20, 'the report has a real outline')
  t.ok(expectedHeadings.some((heading) => heading.level === 5), 'down to ######')
  t.ok(gfmTables.length >= 5, 'the report has several GFM tables')
  t.ok(expectedTables.length > gfmTables.length, 'and code blocks')
  for (const table of gfmTables) {
    t.ok(table.children.every((row) => row.children.length === table.children[0]?.children.length), 'GFM rows are padded to the header width')
  }
})

/** A cell's extracted text holds exactly the visible words of its Markdown, in order. */
function checkCell (t: Test, markdown: string, extracted: string, where: string): void {
  const pieces = markdownTextPieces(markdown)
  t.equal(firstMissingPiece(pieces, extracted), null, `${where}: ${JSON.stringify(markdown)} is in ${JSON.stringify(extracted)}`)
  if (pieces.length === 0) t.equal(normalizeWhitespace(extracted), '', `${where}: empty cell stays empty`)
}

// ---------------------------------------------------------------- kordoc

/** The body text, then the footnotes (where GFM shows them, after the body). */
function kordocText (blocks: readonly IRBlock[]): string {
  const lines: string[] = []
  const notes: string[] = []
  const visit = (block: IRBlock): void => {
    if (block.table !== undefined) {
      for (const row of block.table.cells) for (const cell of row) lines.push(cell.text)
    } else if (block.text !== undefined) {
      lines.push(block.text)
    }
    if (block.footnoteText !== undefined) notes.push(block.footnoteText)
    block.children?.forEach(visit)
  }
  blocks.forEach(visit)
  return [...lines, ...notes].join('\n')
}

t.test('kordoc', async (t) => {
  const validation = await validateHwpx(bytes)
  t.same(validation.issues, [], 'validateHwpx reports no issues')
  t.equal(validation.ok, true)
  t.equal(validation.entryCount, (await unzipHwpx(bytes)).entries.length, 'it saw every entry')

  const copy = bytes.slice()
  const result: ParseResult = await parseHwpx(copy.buffer)
  if (!result.success) {
    t.fail(`parseHwpx failed: ${JSON.stringify(result)}`)
    return
  }
  t.same(result.warnings ?? [], [], 'parsing raises no warnings')
  const blocks = result.blocks

  t.test('all visible text of the Markdown, in order', async (t) => {
    t.equal(firstMissingPiece(markdownTextPieces(report), kordocText(blocks)), null)
  })

  t.test('title and outline headings', async (t) => {
    t.equal(normalizeWhitespace(blocks[0]?.text ?? ''), expectedTitle, 'the title is the first block')
    const found = blocks.filter((block) => block.type === 'heading')
      .map((block) => ({ level: block.level, text: normalizeWhitespace(block.text ?? '') }))
    t.same(found, expectedHeadings)
    t.same(result.outline?.map((item) => ({ level: item.level, text: normalizeWhitespace(item.text) })), expectedHeadings, 'outline')
  })

  t.test('tables: count, shape and cells', async (t) => {
    const tables = blocks.flatMap((block) => block.table === undefined ? [] : [block.table])
    t.equal(tables.length, expectedTables.length, 'one table per GFM table or code block')
    for (const [index, expected] of expectedTables.entries()) {
      const table = tables[index]
      if (table === undefined) continue
      t.same({ rows: table.rows, cols: table.cols }, { rows: expected.rows, cols: expected.cols }, `table ${index} shape`)
      t.equal(table.cells.length, expected.rows, `table ${index} row count`)
      for (const [row, cells] of expected.cells.entries()) {
        t.equal(table.cells[row]?.length, expected.cols, `table ${index} row ${row} width`)
        for (const [col, markdown] of cells.entries()) {
          const cell = table.cells[row]?.[col]
          t.same({ colSpan: cell?.colSpan, rowSpan: cell?.rowSpan }, { colSpan: 1, rowSpan: 1 }, `table ${index} [${row},${col}] is unmerged`)
          checkCell(t, markdown, cell?.text ?? '', `table ${index} [${row},${col}]`)
        }
      }
    }
  })
})

// ---------------------------------------------------------------- @rhwp/core

// rhwp asks the host to measure text while laying out lines (in browsers, a
// canvas). Node has none, so give it a deterministic estimate: full width
// for CJK, a bit over half for the rest. Only layout depends on it, not the
// text or structure checked here.
const measured = globalThis as typeof globalThis & { measureTextWidth?: (font: string, text: string) => number }
measured.measureTextWidth = (font, text) => {
  const size = Number(/(\d+(?:\.\d+)?)px/.exec(font)?.[1] ?? 16)
  return [...text].reduce((width, char) => width + ((char.codePointAt(0) ?? 0) >= 0x2E80 ? size : size * 0.55), 0)
}
initSync({ module: readFileSync(createRequire(import.meta.url).resolve('@rhwp/core/rhwp_bg.wasm')) })

interface RhwpControl { readonly ctrlId: string, readonly para: number, readonly controlIndex: number, readonly list: number }
interface RhwpWarning { readonly kind: string, readonly paragraph: number, readonly cell: unknown }

// Warnings rhwp may raise on our output, each for a deliberate choice:
const RHWP_ALLOWED_WARNINGS = new Set([
  // We write no hp:linesegarray (the line-layout cache Hancom stores after
  // laying out a paragraph): it depends on font metrics we do not have, and
  // a stale cache is worse than none; Hancom and rhwp lay the text out
  // themselves on open. packageViolations() even forbids it. rhwp flags every
  // paragraph without one as "non-standard" (#177), so it fires on all of them.
  'LinesegArrayEmpty'
])

function rhwpTables (doc: HwpDocument): Array<{ rows: number, cols: number, cells: string[][], para: number }> {
  const controls = JSON.parse(doc.getControls()) as RhwpControl[]
  return controls.filter((control) => control.ctrlId === 'tbl' && control.list === 0).map((control) => {
    const { para, controlIndex } = control
    const { rowCount, colCount, cellCount } = JSON.parse(doc.getTableDimensions(0, para, controlIndex)) as { rowCount: number, colCount: number, cellCount: number }
    const cells = Array.from({ length: rowCount }, () => Array.from({ length: colCount }, () => ''))
    for (let index = 0; index < cellCount; index++) {
      const { row, col } = JSON.parse(doc.getCellInfo(0, para, controlIndex, index)) as { row: number, col: number }
      const paragraphs: string[] = []
      for (let cellPara = 0; cellPara < doc.getCellParagraphCount(0, para, controlIndex, index); cellPara++) {
        paragraphs.push(doc.getTextInCell(0, para, controlIndex, index, cellPara, 0, doc.getCellParagraphLength(0, para, controlIndex, index, cellPara)))
      }
      const cellRow = cells[row]
      if (cellRow !== undefined) cellRow[col] = paragraphs.join('\n')
    }
    return { rows: rowCount, cols: colCount, cells, para }
  })
}

t.test('@rhwp/core', async (t) => {
  const doc = new HwpDocument(bytes)
  t.teardown(() => { doc.free() })
  const info = JSON.parse(doc.getDocumentInfo()) as { sectionCount: number, pageCount: number, encrypted: boolean }
  t.match(info, { sectionCount: 1, encrypted: false })

  const warnings = (JSON.parse(doc.getValidationWarnings()) as { warnings: RhwpWarning[] }).warnings
  t.same(warnings.filter((warning) => !RHWP_ALLOWED_WARNINGS.has(warning.kind)), [], 'no validation warnings beyond the allow-list')

  t.test('renders every page', async (t) => {
    t.ok(doc.pageCount() > 1, 'the report spans several pages')
    for (let page = 0; page < doc.pageCount(); page++) t.match(doc.renderPageSvg(page), /^<svg[\s\S]*<\/svg>\s*$/, `page ${page + 1}`)
  })

  const tables = rhwpTables(doc)

  t.test('sees every paragraph we wrote', async (t) => {
    const pkg = await unzipHwpx(bytes)
    const written = childElements(parseXml(text(pkg, 'Contents/section0.xml')), 'hp:p').length
    t.equal(doc.getParagraphCount(0), written)
  })

  t.test('all visible text of the Markdown, in order, footnotes after the body', async (t) => {
    const lines: string[] = []
    for (let para = 0; para < doc.getParagraphCount(0); para++) {
      lines.push(doc.getTextRange(0, para, 0, doc.getParagraphLength(0, para)))
      for (const table of tables.filter((table) => table.para === para)) lines.push(...table.cells.flat())
    }
    const notes = (JSON.parse(doc.getControls()) as RhwpControl[]).filter((control) => control.ctrlId === 'fn' && control.list === 0)
      .map((control) => (JSON.parse(doc.getFootnoteInfo(0, control.para, control.controlIndex)) as { number: number, texts: string[] }))
    t.same(notes.map((note) => note.number), notes.map((_, index) => index + 1), 'real footnotes, numbered in order')
    t.equal(notes.length, 1, 'the report\'s one footnote')
    t.equal(firstMissingPiece(markdownTextPieces(report), [...lines, ...notes.flatMap((note) => note.texts)].join('\n')), null)
  })

  t.test('title and 개요 headings', async (t) => {
    // Headings are 개요 N paragraphs without an outline head (so no reader
    // numbers them); rhwp's outline tree follows outline heads, so read the
    // paragraphs' styles instead.
    const styled: Array<{ level: number, text: string }> = []
    for (let para = 0; para < doc.getParagraphCount(0); para++) {
      const style = JSON.parse(doc.getStyleAt(0, para)) as { name: string }
      const level = /^개요 (\d+)$/.exec(style.name)?.[1]
      if (level !== undefined) styled.push({ level: Number(level), text: normalizeWhitespace(doc.getTextRange(0, para, 0, doc.getParagraphLength(0, para))) })
    }
    t.equal(normalizeWhitespace(doc.getTextRange(0, 0, 0, doc.getParagraphLength(0, 0))), expectedTitle, 'the title comes first')
    t.same(styled, expectedHeadings)
  })

  t.test('tables: count, shape and cells', async (t) => {
    t.equal(tables.length, expectedTables.length, 'one table per GFM table or code block')
    for (const [index, expected] of expectedTables.entries()) {
      const table = tables[index]
      if (table === undefined) continue
      t.same({ rows: table.rows, cols: table.cols }, { rows: expected.rows, cols: expected.cols }, `table ${index} shape`)
      for (const [row, cells] of expected.cells.entries()) {
        for (const [col, markdown] of cells.entries()) checkCell(t, markdown, table.cells[row]?.[col] ?? '', `table ${index} [${row},${col}]`)
      }
    }
  })
})

t.test('the cell comparison notices misplaced text', async (t) => {
  const pieces = markdownTextPieces('**굵은** 셀')
  t.same(pieces, ['굵은', '셀'])
  t.equal(firstMissingPiece(pieces, '굵은 셀'), null)
  t.not(firstMissingPiece(pieces, '셀 굵은'), null)
  t.not(firstMissingPiece(pieces, '굵은'), null)
})
