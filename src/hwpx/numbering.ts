/** The numbering the section names as its 개요 (outline) shape. */
export const OUTLINE_NUMBERING_ID = 1

const OUTLINE_LEVEL_COUNT = 10

/**
 * Hancom prefixes every 개요 paragraph with its level's number format
 * (by default "1.", "가.", "1)" …). Report headings written by a model
 * usually carry their own numbers, so every level's format is empty: the
 * headings stay outline paragraphs (navigation pane, table of contents)
 * without a second, generated number.
 */
export const NUMBERINGS_XML =
  '<hh:numberings itemCnt="1">' +
  `<hh:numbering id="${OUTLINE_NUMBERING_ID}" start="0">` +
  Array.from({ length: OUTLINE_LEVEL_COUNT }, (_, index) =>
    `<hh:paraHead start="1" level="${index + 1}" align="LEFT" useInstWidth="1" autoIndent="1" widthAdjust="0" textOffsetType="PERCENT" textOffset="50" numFormat="DIGIT" charPrIDRef="4294967295" checkable="0"/>`
  ).join('') +
  '</hh:numbering>' +
  '</hh:numberings>'
