/**
 * Rough advance width of `text` in HWPUNIT at a font height of `height`
 * (1000 = 10 pt). Good enough to share out column widths and hang list
 * markers; Hancom does the real layout. Latin-script characters average about
 * half an em in Hancom's fonts, while Hangul, CJK and most symbols (bullets,
 * check boxes) are drawn full-width.
 */
export function estimateTextWidth (text: string, height: number): number {
  let ems = 0
  for (const char of text) {
    const code = char.codePointAt(0) as number
    if (code === 0x20) ems += 0.33
    else if (code < 0x0300) ems += 0.55
    else ems += 1
  }
  return Math.ceil(ems * height)
}
