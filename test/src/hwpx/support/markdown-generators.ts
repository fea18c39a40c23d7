// Markdown documents built from the constructs the converter handles, filled
// with hostile text: control characters, markup characters, lone
// surrogates, noncharacters and Korean.
import fc from 'fast-check'

// Markdown documents built from the constructs the converter handles, filled
// with hostile text: control characters, markup characters, lone
// surrogates, noncharacters and Korean.

const hostileChar = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('가', '한', '국', ' ', 'a', 'Z', '1', '.', '🚗', '電') },
  { weight: 2, arbitrary: fc.constantFrom('<', '>', '&', '"', '\'', '&amp;', '&#0;', '&#xD800;') },
  { weight: 2, arbitrary: fc.constantFrom('*', '_', '`', '~', '#', '|', '-', '+', '[', ']', '(', ')', '!', '\\', ':', '^', '=') },
  { weight: 2, arbitrary: fc.constantFrom('\u0000', '\u0001', '\u0008', '\u000B', '\u000C', '\u001F', '\u007F', '\u0085', '\uFEFF', '\uFFFE', '\uFFFF', '\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\t', '\r', '\n', '\r\n', '\u2028') },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xFFFF }).map((code) => String.fromCharCode(code)) }
)

export const hostileText = fc.array(hostileChar, { maxLength: 12 }).map((chars) => chars.join(''))

const word = fc.oneof(
  fc.constantFrom('보고서', '시장', '전략', 'report', '2025', '매출'),
  hostileText
)

const url = fc.oneof(
  fc.constantFrom('https://example.com/a?b=1&c=2', 'http://x.kr', 'mailto:a@b.kr', '', '#frag', 'rel/path.png'),
  hostileText.map((text) => text.replace(/[\s()<>]/g, ''))
)

const inline: fc.Arbitrary<string> = fc.letrec<{ inline: string }>((tie) => ({
  inline: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    word,
    tie('inline').map((text) => `**${text}**`),
    tie('inline').map((text) => `*${text}*`),
    tie('inline').map((text) => `~~${text}~~`),
    word.map((text) => `\`${text}\``),
    fc.tuple(tie('inline'), url).map(([text, href]) => `[${text}](${href})`),
    fc.tuple(word, url).map(([alt, href]) => `![${alt}](${href})`),
    fc.constantFrom('<br>', '<br/>', '<u>밑줄</u>', '<span class="x">', '  \n', '\\\n', '\n', '[^note]', '[ref]', 'www.example.com', '<https://a.kr>')
  )
})).inline

const line = fc.array(inline, { minLength: 1, maxLength: 6 }).map((parts) => parts.join(' '))

const block: fc.Arbitrary<string> = fc.letrec<{ block: string }>((tie) => ({
  block: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    line,
    fc.tuple(fc.integer({ min: 1, max: 7 }), line).map(([level, text]) => `${'#'.repeat(level)} ${text}`),
    fc.tuple(fc.boolean(), fc.array(fc.tuple(fc.constantFrom('', '[ ] ', '[x] '), line, fc.option(tie('block'), { nil: undefined })), { minLength: 1, maxLength: 4 }))
      .map(([ordered, items]) => items.map(([task, text, child], index) => {
        const marker = ordered ? `${index + 1}.` : '-'
        const nested = child === undefined ? '' : '\n' + child.split('\n').map((childLine) => ' '.repeat(marker.length + 1) + childLine).join('\n')
        return `${marker} ${task}${text}${nested}`
      }).join('\n')),
    fc.tuple(fc.integer({ min: 1, max: 4 }), fc.array(fc.array(inline, { minLength: 0, maxLength: 5 }), { maxLength: 4 }))
      .chain(([columns, rows]) => fc.array(fc.constantFrom('---', ':--', '--:', ':-:'), { minLength: columns, maxLength: columns })
        .map((aligns) => [
          `| ${Array.from({ length: columns }, (_, index) => `h${index}`).join(' | ')} |`,
          `|${aligns.join('|')}|`,
          ...rows.map((cells) => `| ${cells.map((cell) => cell.replace(/[|\n\r]/g, ' ')).join(' | ')} |`)
        ].join('\n'))),
    fc.tuple(fc.constantFrom('```', '~~~', '````'), fc.constantFrom('', 'ts', 'python', '한글'), fc.array(hostileText, { maxLength: 4 }), fc.boolean())
      .map(([fence, info, lines, closed]) => [`${fence}${info}`, ...lines, ...(closed ? [fence] : [])].join('\n')),
    tie('block').map((inner) => inner.split('\n').map((innerLine) => `> ${innerLine}`).join('\n')),
    fc.constantFrom('---', '***', '<div>\n블록 <b>HTML</b>\n</div>', '<!-- 주석\n# 제목 아님\n-->', '    들여쓴 코드', '[ref]: https://ref.kr "제목"', '[^note]: 각주 내용'),
    hostileText
  )
})).block

export const markdownDocument = fc.tuple(fc.array(block, { maxLength: 8 }), fc.array(fc.constantFrom('\n\n', '\n', '\r\n\r\n'), { minLength: 8, maxLength: 8 }))
  .map(([blocks, separators]) => blocks.map((text, index) => text + (separators[index] ?? '\n\n')).join(''))
