// Characters outside the XML 1.0 `Char` production: C0 controls other than
// TAB/LF/CR, lone surrogates (the `u` flag matches them as single code
// points), and U+FFFE/U+FFFF. A single one makes the whole part unreadable.
// DEL and the C1 controls (U+007F–U+009F) are legal XML but no reader draws
// them as anything but an empty box, so they go too.
const INVALID_XML_CHARS = /[^\t\n\r\u0020-\u007E\u00A0-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu
/**
 * Fast path: a cheaper non-unicode class that every invalid character
 * matches (with valid surrogate pairs as false positives), so clean text
 * skips the unicode-aware replace.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const MAYBE_INVALID_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uD800-\uDFFF\uFFFE\uFFFF]/

export function stripInvalidXmlChars (text: string): string {
  return MAYBE_INVALID_XML_CHAR.test(text) ? text.replace(INVALID_XML_CHARS, '') : text
}

const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' }
const ATTRIBUTE_ESCAPES: Record<string, string> = { ...TEXT_ESCAPES, '"': '&quot;' }

/** Element content: drops invalid characters, escapes markup characters. */
export function escapeXmlText (text: string): string {
  const clean = stripInvalidXmlChars(text)
  return HAS_TEXT_MARKUP.test(clean) ? clean.replace(TEXT_MARKUP, (c) => TEXT_ESCAPES[c] as string) : clean
}

const TEXT_MARKUP = /[&<>]/g
const HAS_TEXT_MARKUP = /[&<>]/

/**
 * Attribute value in double quotes. TAB/LF/CR are written as character
 * references because attribute-value normalisation would turn them into
 * spaces.
 */
export function escapeXmlAttribute (text: string): string {
  return stripInvalidXmlChars(text)
    .replace(/[&<>"]/g, (c) => ATTRIBUTE_ESCAPES[c] as string)
    .replace(/[\t\n\r]/g, (c) => `&#${c.charCodeAt(0)};`)
}
