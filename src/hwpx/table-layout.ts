import { estimateTextWidth } from './text-width.js'

/** Cell padding Hancom uses by default (its inMargin / cellMargin). */
export const CELL_MARGIN = { left: 510, right: 510, top: 141, bottom: 141 } as const

const CELL_PADDING_WIDTH = CELL_MARGIN.left + CELL_MARGIN.right
const CELL_PADDING_HEIGHT = CELL_MARGIN.top + CELL_MARGIN.bottom

/** Below this a column keeps its natural width instead of sharing space. */
const NARROW_COLUMN = 3000

/**
 * Integer column widths summing exactly to `total`. When every cell fits on
 * one line the natural widths are scaled up to the page. Otherwise narrow
 * columns keep their natural width and the rest of the page is shared among
 * the other columns in proportion to how much more they would like.
 *
 * @param columns per column, per cell, the cell's hard lines
 */
export function fitColumnWidths (columns: ReadonlyArray<ReadonlyArray<readonly string[]>>, textHeight: number, total: number): number[] {
  const natural = columns.map((cells) => CELL_PADDING_WIDTH + cells.reduce(
    (widest, lines) => lines.reduce((max, line) => Math.max(max, estimateTextWidth(line, textHeight)), widest), 0))
  if (sum(natural) <= total) return distribute(natural, total)
  const floors = natural.map((width) => Math.min(width, NARROW_COLUMN))
  const spare = total - sum(floors)
  if (spare <= 0) return distribute(columns.map(() => 1), total)
  const wishes = natural.map((width, index) => width - (floors[index] as number))
  const wishSum = sum(wishes)
  return distribute(floors.map((floor, index) => floor + spare * (wishes[index] as number) / wishSum), total)
}

function sum (values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0)
}

/** Splits `total` in proportion to `weights`, rounding so the sum is exact. */
function distribute (weights: readonly number[], total: number): number[] {
  const weightSum = sum(weights)
  const exact = weights.map((weight) => total * weight / weightSum)
  const widths = exact.map(Math.floor)
  let remainder = total - sum(widths)
  // Largest fractional parts first; ties keep column order (deterministic).
  const order = exact.map((value, index) => ({ index, fraction: value - Math.floor(value) }))
    .sort((a, b) => b.fraction - a.fraction || a.index - b.index)
  for (const { index } of order) {
    if (remainder === 0) break
    widths[index] = (widths[index] as number) + 1
    remainder -= 1
  }
  return widths
}

/**
 * A row height Hancom can start from (it grows rows to fit their content):
 * the wrapped line count of the fullest cell times the line height.
 *
 * @param cells per cell, its hard lines and its column width
 */
export function estimateRowHeight (cells: ReadonlyArray<{ readonly lines: readonly string[], readonly width: number }>, textHeight: number, lineHeight: number): number {
  const lineCount = cells.reduce((most, { lines, width }) => {
    const available = Math.max(width - CELL_PADDING_WIDTH, 1)
    const count = lines.reduce((sum, line) => sum + Math.max(1, Math.ceil(estimateTextWidth(line, textHeight) / available)), 0)
    return Math.max(most, count)
  }, 1)
  return lineCount * lineHeight + CELL_PADDING_HEIGHT
}
