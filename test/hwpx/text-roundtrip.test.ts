// Nothing the Markdown says may be lost or reordered: every piece of text a
// reader of the Markdown sees (from an independent single-pass parse) must
// appear, in order, in the text extracted back from section0.xml.
import { readFileSync } from 'node:fs'
import t from 'tap'
import { markdownToHwpx } from '../../src/hwpx/index.js'
import { firstMissingPiece, markdownTextPieces, parseXml, sectionText, text, unzipHwpx } from './helpers.js'

async function documentText (markdown: string): Promise<string> {
  const pkg = await unzipHwpx(await markdownToHwpx(markdown, { title: 't' }))
  return sectionText(parseXml(text(pkg, 'Contents/section0.xml')))
}

const report = readFileSync(new URL('../fixtures/hwpx/report.md', import.meta.url), 'utf8')

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

for (const [name, markdown] of Object.entries(samples)) {
  t.test(`${name}: all text survives in order`, async (t) => {
    const pieces = markdownTextPieces(markdown)
    t.ok(pieces.length > 0)
    t.equal(firstMissingPiece(pieces, await documentText(markdown)), null)
  })
}

t.test('the comparison notices lost and reordered text', async (t) => {
  const pieces = markdownTextPieces('첫째 문단\n\n둘째 문단\n\n[링크](https://a.kr)')
  t.same(pieces, ['첫째 문단', '둘째 문단', '링크', 'https://a.kr'])
  t.equal(firstMissingPiece(pieces, '첫째 문단\n둘째 문단\n링크 (https://a.kr)'), null)
  t.match(firstMissingPiece(pieces, '첫째 문단\n링크 (https://a.kr)'), { piece: '둘째 문단' })
  t.match(firstMissingPiece(pieces, '둘째 문단\n첫째 문단\n링크 (https://a.kr)'), { piece: '둘째 문단' })
  t.match(firstMissingPiece(pieces, '첫째 문단\n둘째 문단\n링크'), { piece: 'https://a.kr' })
})
