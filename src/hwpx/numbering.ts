import { BULLET_CHARS, TASK_BOXES } from './tokens-to-blocks.js'

/** The numbering the section names as its 개요 (outline) shape. */
export const OUTLINE_NUMBERING_ID = 1

/** Ordered lists number from their own hh:numbering, from this id on. */
export const ORDERED_NUMBERING_FIRST_ID = OUTLINE_NUMBERING_ID + 1

/** hh:bullet ids for list depth 0, 1, 2 (then again from the first). */
export const BULLET_ID: readonly number[] = BULLET_CHARS.map((_, index) => index + 1)
export const TASK_BULLET_ID = { open: BULLET_CHARS.length + 1, done: BULLET_CHARS.length + 2 } as const

/** An ordered list's numbering: where it starts, and how deep the list sits (its number shape). */
export interface ListNumbering {
  readonly id: number
  readonly start: number
  readonly depth: number
}

/** "1." at the top level, "1)" one level down, "(1)" below that, as the text markers read. */
const ORDERED_LEVEL_FORMATS = ['^1.', '^1)', '(^1)']

const OUTLINE_LEVEL_COUNT = 10

const paraHead = (level: number, start: number, format: string): string =>
  `<hh:paraHead start="${start}" level="${level}" align="LEFT" useInstWidth="1" autoIndent="1" widthAdjust="0" textOffsetType="PERCENT" textOffset="50" numFormat="DIGIT" charPrIDRef="4294967295" checkable="0">${format}</hh:paraHead>`

/**
 * The 개요 numbering the section must name. Headings are not numbered by
 * it (their paragraphs have no outline head, since report headings carry
 * their own numbers and LibreOffice's filter invents "1." for any outline
 * level it sees), but the section still needs one to refer to.
 */
const OUTLINE_NUMBERING_XML =
  `<hh:numbering id="${OUTLINE_NUMBERING_ID}" start="0">` +
  Array.from({ length: OUTLINE_LEVEL_COUNT }, (_, index) => paraHead(index + 1, 1, '')).join('') +
  '</hh:numbering>'

export function numberingsXml (lists: readonly ListNumbering[]): string {
  let xml = `<hh:numberings itemCnt="${1 + lists.length}">` + OUTLINE_NUMBERING_XML
  for (const list of lists) {
    const format = ORDERED_LEVEL_FORMATS[list.depth % ORDERED_LEVEL_FORMATS.length] as string
    xml += `<hh:numbering id="${list.id}" start="${list.start}">${paraHead(1, list.start, format)}</hh:numbering>`
  }
  return xml + '</hh:numberings>'
}

const bullet = (id: number, char: string): string =>
  `<hh:bullet id="${id}" char="${char}" useImage="0">` +
  '<hh:paraHead level="0" align="LEFT" useInstWidth="0" autoIndent="1" widthAdjust="0" textOffsetType="PERCENT" textOffset="50" numFormat="DIGIT" charPrIDRef="4294967295" checkable="0"/>' +
  '</hh:bullet>'

/** Plain Unicode bullets (Hancom's own symbol-font ones show as boxes elsewhere). */
export const BULLETS_XML =
  `<hh:bullets itemCnt="${BULLET_ID.length + 2}">` +
  BULLET_CHARS.map((char, index) => bullet(BULLET_ID[index] as number, char)).join('') +
  bullet(TASK_BULLET_ID.open, TASK_BOXES.open) +
  bullet(TASK_BULLET_ID.done, TASK_BOXES.done) +
  '</hh:bullets>'
