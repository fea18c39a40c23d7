/**
 * Rough advance width of `text` in HWPUNIT at a font height of `height`
 * (1000 = 10 pt). Good enough to share out column widths and hang list
 * markers; Hancom does the real layout. Latin-script characters average about
 * half an em in Hancom's fonts, while Hangul, CJK and most symbols (bullets,
 * check boxes) are drawn full-width.
 */
export function estimateTextWidth (text: string, height: number): number {
  let ems = 0
  const length = text.length
  for (let index = 0; index < length; index++) {
    const code = text.charCodeAt(index)
    if (code === 0x20) ems += 0.33
    else if (code < 0x0300) ems += 0.55
    else {
      ems += 1
      // A surrogate pair is one character; a lone surrogate counts alone.
      if (code >= 0xD800 && code <= 0xDBFF && index + 1 < length) {
        const next = text.charCodeAt(index + 1)
        if (next >= 0xDC00 && next <= 0xDFFF) index++
      }
    }
  }
  return Math.ceil(ems * height)
}
