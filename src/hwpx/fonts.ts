export type FontFamily = 'serif' | 'sans' | 'gothic' | 'mono'

interface FontFace {
  readonly family: FontFamily
  readonly face: string
  /** hh:typeInfo attributes exactly as Hancom writes them for this face. */
  readonly typeInfo: string
}

/**
 * The faces every language slot offers, in font-id order. Hancom ships the
 * 함초롬 pair and 굴림체, Windows ships 맑은 고딕; readers elsewhere substitute
 * a Hangul face by family.
 */
export const FONT_FACES: readonly FontFace[] = [
  {
    family: 'serif',
    face: '함초롬바탕',
    typeInfo: 'familyType="FCAT_GOTHIC" weight="6" proportion="4" contrast="0" strokeVariation="1" armStyle="1" letterform="1" midline="1" xHeight="1"'
  },
  {
    family: 'sans',
    face: '함초롬돋움',
    typeInfo: 'familyType="FCAT_GOTHIC" weight="6" proportion="4" contrast="0" strokeVariation="1" armStyle="1" letterform="1" midline="1" xHeight="1"'
  },
  {
    family: 'gothic',
    face: '맑은 고딕',
    typeInfo: 'familyType="FCAT_GOTHIC" weight="5" proportion="3" contrast="2" strokeVariation="0" armStyle="0" letterform="2" midline="0" xHeight="4"'
  },
  {
    family: 'mono',
    face: '굴림체',
    typeInfo: 'familyType="FCAT_GOTHIC" weight="6" proportion="9" contrast="0" strokeVariation="1" armStyle="1" letterform="1" midline="1" xHeight="1"'
  }
]

/** Hancom's seven language slots; hh:fontRef indexes fonts per slot. */
export const FONT_LANGUAGES = ['HANGUL', 'LATIN', 'HANJA', 'JAPANESE', 'OTHER', 'SYMBOL', 'USER'] as const

export function fontId (family: FontFamily): number {
  return FONT_FACES.findIndex((font) => font.family === family)
}
