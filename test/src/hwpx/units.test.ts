// Unit tests of the converter's building blocks.
import t from 'tap'
import { estimateRowHeight, fitColumnWidths } from '../../../src/hwpx/table-layout.js'
import { estimateTextWidth } from '../../../src/hwpx/text-width.js'
import { decodeCharacterReferences } from '../../../src/hwpx/tokens-to-blocks.js'
import { escapeXmlAttribute, escapeXmlText, stripInvalidXmlChars } from '../../../src/hwpx/xml-text.js'

// ---------------------------------------------------------------- XML text

t.test('escapes markup characters in text', async (t) => {
  t.equal(escapeXmlText('a & b < c > d " \''), 'a &amp; b &lt; c &gt; d " \'')
  t.equal(escapeXmlText('&amp;'), '&amp;amp;', 'escapes already-escaped text again')
})

t.test('escapes quotes and keeps whitespace in attributes', async (t) => {
  t.equal(escapeXmlAttribute('R&D "팀" <x>'), 'R&amp;D &quot;팀&quot; &lt;x&gt;')
  t.equal(escapeXmlAttribute('a\tb\nc\rd'), 'a&#9;b&#10;c&#13;d')
})

t.test('drops the characters XML 1.0 forbids, and DEL and the C1 controls no reader draws', async (t) => {
  const forbidden = ['\u0000', '\u0001', '\u0008', '\u000B', '\u000C', '\u000E', '\u001F', '\uFFFE', '\uFFFF', '\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\u007F', '\u0080', '\u0085', '\u009F']
  for (const char of forbidden) t.equal(stripInvalidXmlChars(`a${char}b`), 'ab', `U+${char.charCodeAt(0).toString(16)}`)
  const allowed = ['\t', '\n', '\r', ' ', '\u007E', '\u00A0', '\uD7FF', '\uE000', '\uFFFD', '\uFEFF', '가', '🚗', '\u{10FFFF}']
  for (const char of allowed) t.equal(stripInvalidXmlChars(`a${char}b`), `a${char}b`, `U+${(char.codePointAt(0) as number).toString(16)}`)
  t.equal(stripInvalidXmlChars('\uDBFF\uDFFF\uD800'), '\uDBFF\uDFFF', 'a valid pair survives next to a lone surrogate')
  t.equal(escapeXmlText('x\u0000<'), 'x&lt;')
})

// ---------------------------------------------------------------- table layout

const sum = (values: number[]): number => values.reduce((total, value) => total + value, 0)
const column = (...cells: string[]): string[][] => cells.map((cell) => cell.split('\n'))

t.test('widths are integers that add up to the page exactly', async (t) => {
  for (const columns of [1, 2, 3, 7, 13, 40]) {
    const widths = fitColumnWidths(Array.from({ length: columns }, (_, index) => column('가'.repeat(index * 3))), 1000, 41954)
    t.equal(widths.length, columns)
    t.equal(sum(widths), 41954, `${columns} columns`)
    t.ok(widths.every((width) => Number.isInteger(width) && width > 0))
  }
})

t.test('short tables are scaled to the page in proportion to their content', async (t) => {
  const widths = fitColumnWidths([column('구분'), column('2023년 매출액')], 1000, 41954)
  t.ok((widths[1] ?? 0) > (widths[0] ?? 0))
})

t.test('narrow columns keep their width when long text needs the room', async (t) => {
  const long = '매우 긴 설명이 들어가는 칸입니다. '.repeat(20)
  const widths = fitColumnWidths([column('1', '2'), column(long), column('합계')], 1000, 41954)
  t.ok((widths[0] ?? 0) < 3000 && (widths[2] ?? 0) < 4000, widths.join())
  t.ok((widths[1] ?? 0) > 35000)
})

t.test('a line break makes a cell narrower, not wider', async (t) => {
  const together = fitColumnWidths([column('가나다라마바사 아자차카타파하'), column('x'.repeat(200))], 1000, 41954)
  const broken = fitColumnWidths([column('가나다라마바사\n아자차카타파하'), column('x'.repeat(200))], 1000, 41954)
  t.ok((broken[0] ?? 0) < (together[0] ?? 0))
})

t.test('row height grows with wrapped and broken lines', async (t) => {
  const one = estimateRowHeight([{ lines: ['짧음'], width: 10000 }], 1000, 1600)
  const wrapped = estimateRowHeight([{ lines: ['가'.repeat(40)], width: 10000 }], 1000, 1600)
  const broken = estimateRowHeight([{ lines: ['a', 'b', 'c'], width: 10000 }], 1000, 1600)
  t.ok(one < wrapped)
  t.equal(broken, 3 * 1600 + 282)
})

t.test('Hangul is estimated full-width, Latin about half', async (t) => {
  t.equal(estimateTextWidth('가나', 1000), 2000)
  t.ok(estimateTextWidth('ab', 1000) < 1200)
})

// ---------------------------------------------------------------- character references

t.test('character references decode as CommonMark says', async (t) => {
  t.equal(decodeCharacterReferences('&copy; &amp; &#44032; &#x1F697; &AElig;'), '© & 가 🚗 Æ')
  t.equal(decodeCharacterReferences('&#0; &#xD800; &#1114112;'), '\uFFFD \uFFFD \uFFFD', 'invalid code points become U+FFFD')
  t.equal(decodeCharacterReferences('&bogus; &copy &#; &#x; & A&B'), '&bogus; &copy &#; &#x; & A&B', 'non-references stay literal')
  t.equal(decodeCharacterReferences('&amp;amp;'), '&amp;', 'decodes once')
})
