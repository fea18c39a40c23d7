import { TABLE_OUTER_MARGIN } from './page-layout.js'
import { CELL_MARGIN } from './table-layout.js'

export interface TableLook {
  readonly borderFillId: number
  readonly headerBorderFillId: number
  /** Repeat header cells at the top of every page the table spans. */
  readonly repeatHeader: boolean
  readonly vertAlign: 'CENTER' | 'TOP'
}

const MARGIN_ATTRIBUTES = `left="${CELL_MARGIN.left}" right="${CELL_MARGIN.right}" top="${CELL_MARGIN.top}" bottom="${CELL_MARGIN.bottom}"`

// An hp:tbl of one-by-one cells. Every child Hancom requires is written
// (sz, pos, margins; per cell subList, cellAddr, cellSpan, cellSz,
// cellMargin), cells tile the grid, and the table width is the sum of the
// column widths. The table sits in the text flow like a paragraph, may break
// across pages between rows, and text never wraps around it.
//
// The section writer streams a table into its output between these pieces:
// tableStart, then per cell cellStart, the cell's paragraphs and cellEnd
// (rows between '<hp:tr>' and '</hp:tr>'), then TABLE_END.

export function tableStart (id: number, rowCount: number, widths: readonly number[], rowHeights: readonly number[], look: TableLook): string {
  let width = 0
  for (const value of widths) width += value
  let height = 0
  for (const value of rowHeights) height += value
  return `<hp:tbl id="${id}" zOrder="${id - 1}" numberingType="TABLE" textWrap="TOP_AND_BOTTOM" textFlow="BOTH_SIDES" lock="0" dropcapstyle="None" pageBreak="CELL" repeatHeader="${+look.repeatHeader}" rowCnt="${rowCount}" colCnt="${widths.length}" cellSpacing="0" borderFillIDRef="${look.borderFillId}" noAdjust="0">` +
    `<hp:sz width="${width}" widthRelTo="ABSOLUTE" height="${height}" heightRelTo="ABSOLUTE" protect="0"/>` +
    '<hp:pos treatAsChar="0" affectLSpacing="0" flowWithText="1" allowOverlap="0" holdAnchorAndSO="0" vertRelTo="PARA" horzRelTo="COLUMN" vertAlign="TOP" horzAlign="LEFT" vertOffset="0" horzOffset="0"/>' +
    `<hp:outMargin left="${TABLE_OUTER_MARGIN}" right="${TABLE_OUTER_MARGIN}" top="${TABLE_OUTER_MARGIN}" bottom="${TABLE_OUTER_MARGIN}"/>` +
    `<hp:inMargin ${MARGIN_ATTRIBUTES}/>`
}

export const TABLE_END = '</hp:tbl>'

/** A cell's opening up to where its paragraphs go; one string per look and kind of cell, built once. */
export function cellStart (look: TableLook, header: boolean): string {
  return `<hp:tc name="" header="${+header}" hasMargin="0" protect="0" editable="0" dirty="0" borderFillIDRef="${header ? look.headerBorderFillId : look.borderFillId}">` +
    `<hp:subList id="" textDirection="HORIZONTAL" lineWrap="BREAK" vertAlign="${look.vertAlign}" linkListIDRef="0" linkListNextIDRef="0" textWidth="0" textHeight="0" hasTextRef="0" hasNumRef="0">`
}

export function cellEnd (column: number, row: number, width: number, height: number): string {
  return `</hp:subList><hp:cellAddr colAddr="${column}" rowAddr="${row}"/><hp:cellSpan colSpan="1" rowSpan="1"/>` +
    `<hp:cellSz width="${width}" height="${height}"/><hp:cellMargin ${MARGIN_ATTRIBUTES}/></hp:tc>`
}
