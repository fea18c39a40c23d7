import type { FontFamily } from './fonts.js'

/** One hh:charPr: HWPX has no inline <b>, each distinct look is an entry. */
export interface CharShape {
  readonly font: FontFamily
  /** Font size in HWPUNIT (1000 = 10 pt). */
  readonly height: number
  readonly bold: boolean
  readonly italic: boolean
  readonly underline: boolean
  readonly strike: boolean
  readonly color: string
  /** Background shading behind the glyphs, or 'none'. */
  readonly shade: string
}

export type HorizontalAlign = 'JUSTIFY' | 'LEFT' | 'CENTER' | 'RIGHT'

/** The paragraph's own bullet or number (hh:heading), from hh:bullets / hh:numberings. */
export interface ParagraphHead {
  readonly type: 'NONE' | 'BULLET' | 'NUMBER'
  readonly idRef: number
}

export const NO_HEAD: ParagraphHead = { type: 'NONE', idRef: 0 }

/** One hh:paraPr. Lengths in HWPUNIT. */
export interface ParaShape {
  readonly align: HorizontalAlign
  /** Where the first line starts. */
  readonly left: number
  /** How much further right the following lines start (Hancom's 내어쓰기). */
  readonly hanging: number
  readonly spaceBefore: number
  readonly spaceAfter: number
  /** Line spacing in percent. */
  readonly lineSpacing: number
  readonly head: ParagraphHead
  readonly borderFillId: number
  readonly keepWithNext: boolean
}

/**
 * Hands out ids for character and paragraph shapes, creating one entry per
 * distinct shape in first-use order, so ids are dense, stable for the same
 * input and every id handed out is written to header.xml.
 */
export class PropertyRegistry {
  readonly charShapes: CharShape[] = []
  readonly paraShapes: ParaShape[] = []
  private readonly charIds = new Map<string, number>()
  private readonly paraIds = new Map<string, number>()

  charShapeId (shape: CharShape): number {
    const key = `${shape.font}|${shape.height}|${+shape.bold}${+shape.italic}${+shape.underline}${+shape.strike}|${shape.color}|${shape.shade}`
    return intern(this.charIds, this.charShapes, key, shape)
  }

  paraShapeId (shape: ParaShape): number {
    const key = `${shape.align}|${shape.left}|${shape.hanging}|${shape.spaceBefore}|${shape.spaceAfter}|${shape.lineSpacing}|${shape.head.type}${shape.head.idRef}|${shape.borderFillId}|${+shape.keepWithNext}`
    return intern(this.paraIds, this.paraShapes, key, shape)
  }
}

function intern<T> (ids: Map<string, number>, entries: T[], key: string, entry: T): number {
  let id = ids.get(key)
  if (id === undefined) {
    id = entries.length
    entries.push(entry)
    ids.set(key, id)
  }
  return id
}
