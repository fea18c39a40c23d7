// All lengths are HWPUNIT: 1/7200 inch, so 1 pt = 100 and 1 mm ≈ 283.46.

/** A4 portrait as Hancom 13 writes it, with Hancom's default margins. */
export const PAGE = {
  width: 59528,
  height: 84186,
  marginLeft: 8504, // 30 mm
  marginRight: 8504,
  marginTop: 5668, // 20 mm
  marginBottom: 4252, // 15 mm
  marginHeader: 4252,
  marginFooter: 4252
} as const

/** The text column's width. */
export const BODY_WIDTH = PAGE.width - PAGE.marginLeft - PAGE.marginRight

/** Space Hancom keeps around a table object (its default outMargin). */
export const TABLE_OUTER_MARGIN = 283

/** Tables fill the text column minus their outer margins. */
export const TABLE_WIDTH = BODY_WIDTH - 2 * TABLE_OUTER_MARGIN

/** Horizontal distance per nesting level (block quote or list). */
export const INDENT_STEP = 2000

/** Deeper nesting stops indenting here, leaving text a third of the line. */
export const MAX_INDENT = Math.floor(BODY_WIDTH * 2 / 3 / INDENT_STEP) * INDENT_STEP
