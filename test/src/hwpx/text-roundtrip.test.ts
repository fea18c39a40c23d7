// Nothing the Markdown says may be lost or reordered: every piece of text a
// reader of the Markdown sees (from an independent single-pass parse) must
// appear, in order, in the text extracted back from section0.xml.
import { readFileSync } from 'node:fs'
import t from 'tap'
import { markdownToHwpx } from '../../../src/hwpx/index.js'
import { sectionText } from './support/document-text.js'
import { firstMissingPiece, markdownTextPieces } from './support/markdown-oracle.js'
import { parseXml } from './support/xml.js'
import { text, unzipHwpx } from './support/zip.js'

async function documentText (markdown: string): Promise<string> {
  const pkg = await unzipHwpx(await markdownToHwpx(markdown, { title: 't' }))
  return sectionText(parseXml(text(pkg, 'Contents/section0.xml')))
}

const report = readFileSync(new URL('../../fixtures/hwpx/report.md', import.meta.url), 'utf8')

const samples: Record<string, string> = {
  report,
  emphasis: '*기울임* **굵게** ***둘 다*** ~~취소~~ `코드` _밑줄 아님_ __굵게__',
  'nested lists': '- 가\n  - 나\n    - 다\n      1. 라\n      2. 마\n- [x] 바\n- [ ] 사',
  tables: '| 가 | 나 |\n|:-|-:|\n| **굵은** 셀 | `코드` 셀 |\n| <br>줄<br>바꿈 | [링크](https://a.kr) |',
  code: '```\n  코드 블록\n\t탭\n```\n\n    들여쓴 코드\n',
  links: '[텍스트](https://x.kr "제목") <https://y.kr> [참조][r] ![그림](z.png "t")\n\n[r]: https://r.kr',
  footnotes: '각주[^a] 참조[^b]\n\n[^a]: 첫째\n[^b]: 둘째\n    이어짐',
  html: '<table><tr><td>셀</td></tr></table>\n\n인라인 <kbd>Ctrl</kbd> 키',
  escapes: '\\*별표\\* &copy; &#44032; A&B <x> "q"',
  'chunk boundaries': '# 제목\n\n```\n# 코드 속 제목\n```\n# 둘째\n\n<!--\n# 주석 속\n-->\n# 셋째\n\n[앞 참조][뒤]\n# 넷째\n\n[뒤]: https://d.kr'
}

// Constructs whose boundaries are easy to get wrong: fences and HTML
// holding what looks like other blocks, definitions far from their
// references, unusual line ends.
const tricky: Record<string, string> = {
  'plain headings': 'a\n# h\nb\n## h2\nc',
  'heading inside a fence': '```\ncode\n# not a heading\n```\n# h\ntext',
  'longer fence holding a shorter one': '````\n```\n# x\n````\n# y',
  'unclosed fence to the end': '```\nunclosed\n# h\n# h2\n# h3',
  'tilde fence': '~~~\n# a\n```\n# b\n~~~\n# c',
  'indented closing fence is content': '```\n    ```\n# inside\n```\n# after',
  'HTML comment over headings': '<!-- c\n# x\n-->\n# y',
  'HTML block ended by a blank line only': '<div>\n# x\n\n# y',
  'pre block': '<pre>\n# a\n# b\n</pre>\n# c',
  'table then heading': '| a |\n|---|\n| b |\n# h\n| c |',
  'list with a fence cut by a heading': '- a\n  ```\n# h\n  ```\n',
  'block quote then heading': '> q\n# h\n> r',
  'indented code then heading': '    code\n# h',
  'definitions after their references': 'see [x][r] and [^1]\n# h\n[r]: http://u\n\n[^1]: note',
  'definitions before their references': '[^1]: a\n[r]: /x\n# h\nref[^1] [r]\n# h2\n[r]: /ignored',
  'multi-line label': '[foo\nbar]: /u\n# h\n[foo bar]',
  'CRLF line ends': '# a\r\n# b\r\n```\r\n# c\r\n```\r\n# d',
  'things that are not headings': 'text\n#\n#x\n####### y\n \\# z\n# real',
  'heading first': '# first\ntext',
  'open fence in a list, blank lines, heading': '- \n  ```\n\n\n# h\n',
  'byte-order mark before an open fence': '\uFEFF\n\n```\n\n\n# h\n',
  'two byte-order marks': '\uFEFF\uFEFF# a\n# b',
  'loose list is not split': '- a\n\n- b\n\n1. c\n\n2. d',
  'paragraph after a list': '- a\n\n텍스트\n\n> q\n\n텍스트',
  'paragraph inside a fence': '```\n\n텍스트\n```\n\n텍스트',
  'paragraph inside an HTML comment': '<!--\n\n텍스트\n-->\n\n텍스트',
  'footnote with an indented continuation': '[^1]: a\n\n    b\n\n텍스트[^1]',
  'lines that look like paragraphs but are not': 'a\n\n1. x\n\n2024년\n\n3.5%\n\n**굵게** 시작\n\n*** \n\n** 별\n\n12) y',
  'setext heading after a blank line': 'a\n\n제목\n===\n\n본문\n---'
}

for (const [name, markdown] of Object.entries({ ...samples, ...tricky })) {
  t.test(`${name}: all text survives in order`, async (t) => {
    const pieces = markdownTextPieces(markdown)
    t.ok(pieces.length > 0)
    t.equal(firstMissingPiece(pieces, await documentText(markdown)), null)
  })
}

t.test('the comparison notices lost and reordered text', async (t) => {
  const pieces = markdownTextPieces('첫째 문단\n\n둘째 문단\n\n[링크](docs/a.md) [웹](https://a.kr)')
  t.same(pieces, ['첫째', '문단', '둘째', '문단', '링크', 'docs/a', 'md', '웹'], 'a followable address is a hyperlink, not text')
  t.equal(firstMissingPiece(pieces, '첫째 문단\n둘째 문단\n링크 (docs/a.md) 웹'), null)
  t.match(firstMissingPiece(pieces, '첫째 문단\n링크 (docs/a.md) 웹'), { piece: '둘째' })
  t.match(firstMissingPiece(pieces, '둘째 문단\n첫째 문단\n링크 (docs/a.md) 웹'), { piece: '둘째' })
  t.match(firstMissingPiece(pieces, '첫째 문단\n둘째 문단\n링크 웹'), { piece: 'docs/a' })
})

t.test('footnotes are expected after the body, in order of reference', async (t) => {
  t.same(markdownTextPieces('[^b]: 나중\n\n[^a]: 먼저\n\n본문[^a] 다음[^b]\n\n[^c]: 홀로'), ['본문', '다음', '먼저', '나중', '홀로'])
})
