import t from 'tap'
import { escapeXmlAttribute, escapeXmlText, stripInvalidXmlChars } from '../../src/hwpx/xml-text.js'

t.test('escapes markup characters in text', async (t) => {
  t.equal(escapeXmlText('a & b < c > d " \''), 'a &amp; b &lt; c &gt; d " \'')
  t.equal(escapeXmlText('&amp;'), '&amp;amp;', 'escapes already-escaped text again')
})

t.test('escapes quotes and keeps whitespace in attributes', async (t) => {
  t.equal(escapeXmlAttribute('R&D "팀" <x>'), 'R&amp;D &quot;팀&quot; &lt;x&gt;')
  t.equal(escapeXmlAttribute('a\tb\nc\rd'), 'a&#9;b&#10;c&#13;d')
})

t.test('drops exactly the characters XML 1.0 forbids', async (t) => {
  const forbidden = ['\u0000', '\u0001', '\u0008', '\u000B', '\u000C', '\u000E', '\u001F', '\uFFFE', '\uFFFF', '\uD800', '\uDBFF', '\uDC00', '\uDFFF']
  for (const char of forbidden) t.equal(stripInvalidXmlChars(`a${char}b`), 'ab', `U+${char.charCodeAt(0).toString(16)}`)
  const allowed = ['\t', '\n', '\r', ' ', '\u007F', '\u0085', '\uD7FF', '\uE000', '\uFFFD', '\uFEFF', '가', '🚗', '\u{10FFFF}']
  for (const char of allowed) t.equal(stripInvalidXmlChars(`a${char}b`), `a${char}b`, `U+${(char.codePointAt(0) as number).toString(16)}`)
  t.equal(stripInvalidXmlChars('\uDBFF\uDFFF\uD800'), '\uDBFF\uDFFF', 'a valid pair survives next to a lone surrogate')
  t.equal(escapeXmlText('x\u0000<'), 'x&lt;')
})
