// hh:borderFill entries: borders and background shared by paragraphs, runs,
// table cells and the page. Ids start at 1, as in every Hancom file.

interface BorderLine {
  readonly type: 'NONE' | 'SOLID'
  readonly width: string
  readonly color: string
}

export interface BorderFill {
  readonly id: number
  readonly left: BorderLine
  readonly right: BorderLine
  readonly top: BorderLine
  readonly bottom: BorderLine
  /** Background colour; null writes no hc:fillBrush at all. */
  readonly fill: string | null
}

const NO_LINE: BorderLine = { type: 'NONE', width: '0.1 mm', color: '#000000' }
const GRID_LINE: BorderLine = { type: 'SOLID', width: '0.12 mm', color: '#000000' }
const CODE_LINE: BorderLine = { type: 'SOLID', width: '0.12 mm', color: '#A6A6A6' }
const RULE_LINE: BorderLine = { type: 'SOLID', width: '0.4 mm', color: '#808080' }
const HAIRLINE: BorderLine = { type: 'SOLID', width: '0.12 mm', color: '#808080' }

const noBorders = { left: NO_LINE, right: NO_LINE, top: NO_LINE, bottom: NO_LINE }
const grid = { left: GRID_LINE, right: GRID_LINE, top: GRID_LINE, bottom: GRID_LINE }

export const BORDER_FILL = {
  /** Page border: nothing drawn. */
  page: 1,
  /** Runs and ordinary paragraphs (Hancom's default id 2). */
  plain: 2,
  tableGrid: 3,
  tableHeader: 4,
  codeBox: 5,
  /** A paragraph drawn as a horizontal rule by its bottom border. */
  rule: 6,
  /** The running header's paragraph, ruled below with a hairline. */
  runningHeader: 7
} as const

export const BORDER_FILLS: readonly BorderFill[] = [
  { id: BORDER_FILL.page, ...noBorders, fill: null },
  { id: BORDER_FILL.plain, ...noBorders, fill: 'none' },
  { id: BORDER_FILL.tableGrid, ...grid, fill: null },
  { id: BORDER_FILL.tableHeader, ...grid, fill: '#E7E6E6' },
  { id: BORDER_FILL.codeBox, left: CODE_LINE, right: CODE_LINE, top: CODE_LINE, bottom: CODE_LINE, fill: '#F2F2F2' },
  { id: BORDER_FILL.rule, ...noBorders, bottom: RULE_LINE, fill: null },
  { id: BORDER_FILL.runningHeader, ...noBorders, bottom: HAIRLINE, fill: null }
]
