import { TABLE_OUTER_MARGIN } from './page-layout.js'
import { CELL_MARGIN } from './table-layout.js'

export interface TableCell {
  /** The cell's hp:p elements, already written. */
  readonly paragraphsXml: string
  /** Its text by hard line, for sizing. */
  readonly lines: readonly string[]
  readonly header: boolean
}

export interface TableLook {
  readonly borderFillId: number
  readonly headerBorderFillId: number
  /** Repeat header cells at the top of every page the table spans. */
  readonly repeatHeader: boolean
  readonly vertAlign: 'CENTER' | 'TOP'
}

const MARGIN_ATTRIBUTES = `left="${CELL_MARGIN.left}" right="${CELL_MARGIN.right}" top="${CELL_MARGIN.top}" bottom="${CELL_MARGIN.bottom}"`

/**
 * An hp:tbl of one-by-one cells. Every child Hancom requires is written
 * (sz, pos, margins; per cell subList, cellAddr, cellSpan, cellSz,
 * cellMargin), cells tile the grid, and the table width is the sum of the
 * column widths. The table sits in the text flow like a paragraph, may break
 * across pages between rows, and text never wraps around it.
 */
export function tableXml (id: number, cells: ReadonlyArray<readonly TableCell[]>, widths: readonly number[], rowHeights: readonly number[], look: TableLook): string {
  const rowsXml = cells.map((row, rowIndex) => '<hp:tr>' + row.map((cell, column) =>
    `<hp:tc name="" header="${+cell.header}" hasMargin="0" protect="0" editable="0" dirty="0" borderFillIDRef="${cell.header ? look.headerBorderFillId : look.borderFillId}">` +
    `<hp:subList id="" textDirection="HORIZONTAL" lineWrap="BREAK" vertAlign="${look.vertAlign}" linkListIDRef="0" linkListNextIDRef="0" textWidth="0" textHeight="0" hasTextRef="0" hasNumRef="0">${cell.paragraphsXml}</hp:subList>` +
    `<hp:cellAddr colAddr="${column}" rowAddr="${rowIndex}"/>` +
    '<hp:cellSpan colSpan="1" rowSpan="1"/>' +
    `<hp:cellSz width="${widths[column] as number}" height="${rowHeights[rowIndex] as number}"/>` +
    `<hp:cellMargin ${MARGIN_ATTRIBUTES}/>` +
    '</hp:tc>').join('') + '</hp:tr>').join('')
  const width = widths.reduce((sum, value) => sum + value, 0)
  const height = rowHeights.reduce((sum, value) => sum + value, 0)
  return `<hp:tbl id="${id}" zOrder="${id - 1}" numberingType="TABLE" textWrap="TOP_AND_BOTTOM" textFlow="BOTH_SIDES" lock="0" dropcapstyle="None" pageBreak="CELL" repeatHeader="${+look.repeatHeader}" rowCnt="${cells.length}" colCnt="${widths.length}" cellSpacing="0" borderFillIDRef="${look.borderFillId}" noAdjust="0">` +
    `<hp:sz width="${width}" widthRelTo="ABSOLUTE" height="${height}" heightRelTo="ABSOLUTE" protect="0"/>` +
    '<hp:pos treatAsChar="0" affectLSpacing="0" flowWithText="1" allowOverlap="0" holdAnchorAndSO="0" vertRelTo="PARA" horzRelTo="COLUMN" vertAlign="TOP" horzAlign="LEFT" vertOffset="0" horzOffset="0"/>' +
    `<hp:outMargin left="${TABLE_OUTER_MARGIN}" right="${TABLE_OUTER_MARGIN}" top="${TABLE_OUTER_MARGIN}" bottom="${TABLE_OUTER_MARGIN}"/>` +
    `<hp:inMargin ${MARGIN_ATTRIBUTES}/>` +
    rowsXml +
    '</hp:tbl>'
}
