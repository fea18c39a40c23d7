// How each Markdown construct comes out in section0.xml / header.xml.
import t from 'tap'
import { markdownToHwpx } from '../../../src/hwpx/index.js'
import { paragraphs, sectionText, shownParagraphs } from './support/document-text.js'
import { packageViolations } from './support/package-validator.js'
import { childElements, findAll, parseXml, type XmlElement } from './support/xml.js'
import { text, unzipHwpx } from './support/zip.js'

async function convert (markdown: string): Promise<{ header: XmlElement, section: XmlElement, paras: ReturnType<typeof paragraphs>, shown: string[] }> {
  const pkg = await unzipHwpx(await markdownToHwpx(markdown, { title: 't' }))
  const violations = packageViolations(pkg)
  if (violations.length > 0) throw new Error(violations.join('\n'))
  const section = parseXml(text(pkg, 'Contents/section0.xml'))
  const header = parseXml(text(pkg, 'Contents/header.xml'))
  return { header, section, paras: paragraphs(section), shown: shownParagraphs(header, section) }
}

function byId (header: XmlElement, name: string, id: string): XmlElement {
  const element = findAll(header, name).find((candidate) => candidate.attributes.id === id)
  if (element === undefined) throw new Error(`no ${name} ${id}`)
  return element
}

function looks (header: XmlElement, charPrId: string): { bold: boolean, italic: boolean, underline: boolean, strike: boolean, font: string, height: number, color: string, shade: string } {
  const charPr = byId(header, 'hh:charPr', charPrId)
  const hangulFont = childElements(charPr, 'hh:fontRef')[0]?.attributes.hangul ?? ''
  const face = findAll(header, 'hh:fontface').find((fontface) => fontface.attributes.lang === 'HANGUL') as XmlElement
  return {
    bold: childElements(charPr, 'hh:bold').length === 1,
    italic: childElements(charPr, 'hh:italic').length === 1,
    underline: childElements(charPr, 'hh:underline')[0]?.attributes.type === 'BOTTOM',
    strike: childElements(charPr, 'hh:strikeout')[0]?.attributes.shape === 'SOLID',
    font: byId(face, 'hh:font', hangulFont).attributes.face ?? '',
    height: Number(charPr.attributes.height),
    color: charPr.attributes.textColor ?? '',
    shade: charPr.attributes.shadeColor ?? ''
  }
}

/** The paraPr's HWPUNIT margins (the hp:case branch) and alignment. */
function layout (header: XmlElement, paraPrId: string): { align: string, left: number, intent: number, heading: Record<string, string>, borderFill: string } {
  const paraPr = byId(header, 'hh:paraPr', paraPrId)
  const margin = findAll(childElements(paraPr, 'hp:switch')[0] as XmlElement, 'hh:margin')[0] as XmlElement
  const value = (name: string): number => Number(childElements(margin, name)[0]?.attributes.value)
  return {
    align: childElements(paraPr, 'hh:align')[0]?.attributes.horizontal ?? '',
    left: value('hc:left'),
    intent: value('hc:intent'),
    heading: childElements(paraPr, 'hh:heading')[0]?.attributes ?? {},
    borderFill: childElements(paraPr, 'hh:border')[0]?.attributes.borderFillIDRef ?? ''
  }
}

t.test('# is a centred, large, bold title', async (t) => {
  const { header, paras } = await convert('# 보고서 제목')
  const title = paras[0]
  t.equal(title?.text, '보고서 제목')
  t.equal(title?.styleIDRef, '0')
  t.equal(layout(header, title?.paraPrIDRef ?? '').align, 'CENTER')
  t.match(looks(header, title?.runs[0]?.charPrIDRef ?? ''), { bold: true, height: 2000 })
})

t.test('## to ###### are 개요 1–5 paragraphs with their own styles and no generated number', async (t) => {
  const { header, paras } = await convert('## 가\n\n### 나\n\n#### 다\n\n##### 라\n\n###### 마')
  const heights: number[] = []
  paras.forEach((paragraph, level) => {
    const style = byId(header, 'hh:style', paragraph.styleIDRef)
    t.equal(style.attributes.name, `개요 ${level + 1}`)
    t.equal(style.attributes.paraPrIDRef, paragraph.paraPrIDRef, 'paragraph uses the style\'s own paraPr')
    // No outline head: a reader that fills in a default outline format
    // (LibreOffice's filter does) would put "1." before our own numbers.
    t.same(layout(header, paragraph.paraPrIDRef).heading, { type: 'NONE', idRef: '0', level: '0' })
    const look = looks(header, paragraph.runs[0]?.charPrIDRef ?? '')
    t.ok(look.bold, 'bold')
    heights.push(look.height)
  })
  t.same(heights, [...heights].sort((a, b) => b - a), 'sizes shrink with depth')
  t.ok((heights[0] ?? 0) > 1000, 'larger than body text')
})

t.test('styles include 바탕글, 본문 and 개요 1–3', async (t) => {
  const { header } = await convert('x')
  const names = findAll(header, 'hh:style').map((style) => style.attributes.name)
  for (const name of ['바탕글', '본문', '개요 1', '개요 2', '개요 3']) t.ok(names.includes(name), name)
})

t.test('the outline numbering has no formats, so Hancom adds no heading numbers', async (t) => {
  const { header, section } = await convert('## 1. 서론')
  const outline = byId(header, 'hh:numbering', findAll(section, 'hp:secPr')[0]?.attributes.outlineShapeIDRef ?? '')
  const heads = childElements(outline, 'hh:paraHead')
  t.ok(heads.length >= 5)
  t.ok(heads.every((head) => head.children.length === 0), 'every level format is empty')
})

t.test('paragraphs use 본문; emphasis maps to charPr entries', async (t) => {
  const { header, paras } = await convert('평문 **굵게** *기울임* ***둘다*** ~~취소~~ `코드` **굵은 `굵은코드`**')
  const body = paras[0]
  t.equal(body?.styleIDRef, '1')
  const runs = Object.fromEntries((body?.runs ?? []).map((run) => [run.text.trim(), looks(header, run.charPrIDRef)]))
  t.match(runs['평문'], { bold: false, italic: false, strike: false, font: '함초롬바탕', height: 1000 })
  t.match(runs['굵게'], { bold: true, italic: false })
  t.match(runs['기울임'], { bold: false, italic: true })
  t.match(runs['둘다'], { bold: true, italic: true })
  t.match(runs['취소'], { strike: true, bold: false })
  t.match(runs['코드'], { font: '굴림체', bold: false })
  t.not(runs['코드']?.shade, 'none', 'inline code is shaded')
  t.match(runs['굵은코드'], { font: '굴림체', bold: true })
  t.equal(body?.text, '평문 굵게 기울임 둘다 취소 코드 굵은 굵은코드')
})

t.test('the header always defines body, bold, italic, underline, strike and code looks', async (t) => {
  const { header } = await convert('plain')
  const all = findAll(header, 'hh:charPr').map((charPr) => looks(header, charPr.attributes.id ?? ''))
  t.ok(all.some((look) => look.bold && !look.italic && look.height === 1000), 'bold')
  t.ok(all.some((look) => look.italic && !look.bold), 'italic')
  t.ok(all.some((look) => look.underline), 'underline')
  t.ok(all.some((look) => look.strike), 'strike')
  t.ok(all.some((look) => look.font === '굴림체'), 'code')
})

t.test('a soft line break is a space, a hard one an hp:lineBreak inside hp:t', async (t) => {
  const { section, paras } = await convert('첫 줄\n둘째 줄  \n셋째 줄\\\n넷째 줄')
  t.equal(paras[0]?.text, '첫 줄 둘째 줄\n셋째 줄\n넷째 줄')
  const breaks = findAll(section, 'hp:lineBreak')
  t.equal(breaks.length, 2)
  t.ok(findAll(section, 'hp:t').some((element) => childElements(element, 'hp:lineBreak').length === 2))
})

/** Each hyperlink field: its target (Path) and the text between fieldBegin and fieldEnd. */
function hyperlinks (paragraph: XmlElement): Array<{ path: string, command: string, text: string }> {
  const links: Array<{ path: string, command: string, text: string }> = []
  let open: { path: string, command: string, text: string } | null = null
  for (const run of childElements(paragraph, 'hp:run')) {
    const begin = findAll(run, 'hp:fieldBegin')[0]
    if (begin !== undefined) {
      t.equal(begin.attributes.type, 'HYPERLINK')
      const parameter = (name: string): string => sectionText({ name: 'hp:t', attributes: {}, children: findAll(begin, 'hp:stringParam').find((param) => param.attributes.name === name)?.children ?? [] })
      open = { path: parameter('Path'), command: parameter('Command'), text: '' }
    }
    if (open !== null) open.text += sectionText({ name: 'x', attributes: {}, children: childElements(run, 'hp:t') })
    const end = findAll(run, 'hp:fieldEnd')[0]
    if (end !== undefined && open !== null) {
      links.push(open)
      open = null
    }
  }
  return links
}

t.test('links are hyperlink fields around their text; other targets stay visible', async (t) => {
  const { header, section, paras } = await convert([
    '[환경부](https://me.go.kr) 참조',
    '<https://law.go.kr> 와 www.example.com 과 a@b.kr',
    '[가이드][g]\n\n[g]: https://x.kr/g.pdf?a=1&b=2',
    '[빈 링크]() [상대](docs/a.md) [스크립트](javascript:alert(1))'
  ].join('\n\n'))
  const top = childElements(section, 'hp:p')
  t.equal(paras[0]?.text, '환경부 참조', 'no address in the text')
  t.same(hyperlinks(top[0] as XmlElement), [{ path: 'https://me.go.kr', command: 'https\\://me.go.kr;1;0;0', text: '환경부' }])
  t.equal(paras[1]?.text, 'https://law.go.kr 와 www.example.com 과 a@b.kr')
  t.same(hyperlinks(top[1] as XmlElement).map((link) => [link.path, link.text]), [
    ['https://law.go.kr', 'https://law.go.kr'],
    ['http://www.example.com', 'www.example.com'],
    ['mailto:a@b.kr', 'a@b.kr']
  ])
  t.same(hyperlinks(top[2] as XmlElement).map((link) => [link.path, link.text]), [['https://x.kr/g.pdf?a=1&b=2', '가이드']])
  t.equal(paras[3]?.text, '빈 링크 상대 (docs/a.md) 스크립트 (javascript:alert(1))', 'nothing to follow: the address stays as text')
  t.same(hyperlinks(top[3] as XmlElement), [])
  const linkRun = childElements(top[0] as XmlElement, 'hp:run').find((run) => sectionText({ name: 'x', attributes: {}, children: childElements(run, 'hp:t') }) === '환경부')
  t.match(looks(header, linkRun?.attributes.charPrIDRef ?? ''), { underline: true, color: '#0563C1' }, 'links look like links')
})

t.test('bullet lists nest with their own markers and growing indents', async (t) => {
  const { header, paras, shown } = await convert('- 하나\n  - 둘\n    - 셋\n      - 넷\n- 다섯')
  t.same(shown, ['• 하나', '○ 둘', '- 셋', '• 넷', '• 다섯'], 'Hancom bullets (hh:bullet), not text')
  t.same(paras.map((paragraph) => paragraph.text), ['하나', '둘', '셋', '넷', '다섯'])
  const columns = paras.map((paragraph) => {
    const { left, intent } = layout(header, paragraph.paraPrIDRef)
    t.ok(intent < 0, 'hanging indent')
    return left - intent
  })
  t.ok((columns[0] ?? 0) < (columns[1] ?? 0) && (columns[1] ?? 0) < (columns[2] ?? 0) && (columns[2] ?? 0) < (columns[3] ?? 0), `text columns ${columns.join()}`)
  t.equal(columns[4], columns[0])
})

t.test('ordered lists are Hancom paragraph numbers, keep their start and nest', async (t) => {
  const { header, paras, shown } = await convert('3. 셋\n4. 넷\n   1. 하위\n   2. 하위2\n      1. 더 하위\n5. 다섯')
  t.same(shown, ['3. 셋', '4. 넷', '1) 하위', '2) 하위2', '(1) 더 하위', '5. 다섯'])
  t.same(paras.map((paragraph) => paragraph.text), ['셋', '넷', '하위', '하위2', '더 하위', '다섯'], 'numbers are not text')
  t.equal(findAll(header, 'hh:numbering').length, 1 + 3, 'the outline numbering and one per list')
})

t.test('a list written 7. / 8. after another list starts at 7, not where the other ended', async (t) => {
  const { shown } = await convert('1. 하나\n2. 둘\n3. 셋\n\n문단\n\n7. 일곱\n8. 여덟\n\n- 점\n\n1. 다시 하나')
  t.same(shown, ['1. 하나', '2. 둘', '3. 셋', '문단', '7. 일곱', '8. 여덟', '• 점', '1. 다시 하나'])
})

t.test('task list items show check boxes', async (t) => {
  const { shown } = await convert('- [ ] 할 일\n- [x] 끝난 일\n\n1. [x] 번호 있는 일')
  t.same(shown, ['☐ 할 일', '☑ 끝난 일', '1. ☑ 번호 있는 일'])
})

t.test('list items with several blocks keep them under the item', async (t) => {
  const { header, paras, shown } = await convert('- 첫 문단\n\n  둘째 문단\n\n  > 인용\n- 다음')
  t.same(shown, ['• 첫 문단', '둘째 문단', '인용', '• 다음'])
  const itemColumn = layout(header, paras[0]?.paraPrIDRef ?? '')
  const continuation = layout(header, paras[1]?.paraPrIDRef ?? '')
  t.equal(continuation.left, itemColumn.left - itemColumn.intent, 'continuation aligns with the item text')
})

t.test('tables: real hp:tbl, bold shaded header, GFM alignment, page-wide columns', async (t) => {
  const { header, section } = await convert('| 왼쪽 | 가운데 | 오른쪽 | 없음 |\n|:--|:-:|--:|---|\n| a | b | c | d |\n| 짧은 행 |')
  const table = findAll(section, 'hp:tbl')[0] as XmlElement
  t.match(table.attributes, { rowCnt: '3', colCnt: '4', repeatHeader: '1' })
  const rows = childElements(table, 'hp:tr')
  const cellParagraph = (cell: XmlElement): XmlElement => childElements(childElements(cell, 'hp:subList')[0] as XmlElement, 'hp:p')[0] as XmlElement
  const headerCells = childElements(rows[0] as XmlElement, 'hp:tc')
  for (const cell of headerCells) {
    t.equal(cell.attributes.header, '1')
    const fill = byId(header, 'hh:borderFill', cell.attributes.borderFillIDRef ?? '')
    t.equal(findAll(fill, 'hc:winBrush').length, 1, 'header cells are shaded')
    t.ok(looks(header, childElements(cellParagraph(cell), 'hp:run')[0]?.attributes.charPrIDRef ?? '').bold, 'header text is bold')
  }
  const bodyCells = childElements(rows[1] as XmlElement, 'hp:tc')
  t.same(bodyCells.map((cell) => layout(header, cellParagraph(cell).attributes.paraPrIDRef ?? '').align), ['LEFT', 'CENTER', 'RIGHT', 'LEFT'])
  t.equal(layout(header, cellParagraph(headerCells[3] as XmlElement).attributes.paraPrIDRef ?? '').align, 'CENTER', 'unaligned header is centred')
  for (const cell of bodyCells) {
    t.equal(cell.attributes.header, '0')
    t.ok(!looks(header, childElements(cellParagraph(cell), 'hp:run')[0]?.attributes.charPrIDRef ?? '').bold)
    const fill = byId(header, 'hh:borderFill', cell.attributes.borderFillIDRef ?? '')
    t.equal(childElements(fill, 'hh:leftBorder')[0]?.attributes.type, 'SOLID', 'grid lines')
  }
  t.equal(childElements(rows[2] as XmlElement, 'hp:tc').length, 4, 'a short row is padded with empty cells')
  t.equal(childElements(table, 'hp:sz')[0]?.attributes.width, '41954', 'text width minus the table\'s outer margins')
})

t.test('column widths follow the content', async (t) => {
  const { section } = await convert('| 번호 | 설명 |\n|---|---|\n| 1 | ' + '아주 긴 설명 문장이 이어진다. '.repeat(12) + '|')
  const widths = findAll(section, 'hp:cellSz').slice(0, 2).map((size) => Number(size.attributes.width))
  t.ok((widths[1] ?? 0) > 3 * (widths[0] ?? 0), `widths ${widths.join()}`)
})

t.test('fenced code is a shaded box of monospace lines with whitespace kept', async (t) => {
  const { header, section } = await convert('```ts\nconst a = 1\n\n  indented\n\ttabbed\n```')
  const table = findAll(section, 'hp:tbl')[0] as XmlElement
  t.match(table.attributes, { rowCnt: '1', colCnt: '1' })
  const fill = byId(header, 'hh:borderFill', table.attributes.borderFillIDRef ?? '')
  t.equal(findAll(fill, 'hc:winBrush').length, 1, 'shaded')
  const lines = findAll(table, 'hp:p')
  t.same(lines.map((line) => sectionText({ name: 'x', attributes: {}, children: [line] }).replace(/\n$/, '')), ['const a = 1', '', '  indented', '    tabbed'])
  for (const line of lines) {
    const run = childElements(line, 'hp:run')[0] as XmlElement
    t.equal(looks(header, run.attributes.charPrIDRef ?? '').font, '굴림체')
  }
})

t.test('block quotes are indented and set apart, nesting deeper', async (t) => {
  const { header, paras } = await convert('> 인용\n>\n> > 중첩 인용\n\n본문')
  const [quote, nested, body] = paras
  t.equal(layout(header, quote?.paraPrIDRef ?? '').left, 2000)
  t.equal(layout(header, nested?.paraPrIDRef ?? '').left, 4000)
  t.equal(layout(header, body?.paraPrIDRef ?? '').left, 0)
  t.not(looks(header, quote?.runs[0]?.charPrIDRef ?? '').color, '#000000')
})

t.test('very deep nesting stops indenting before the text runs out of room', async (t) => {
  const { header, paras } = await convert('>'.repeat(40) + ' 깊은 인용\n\n' + Array.from({ length: 30 }, (_, depth) => ' '.repeat(depth * 2) + '- 항목').join('\n'))
  const textWidth = 59528 - 2 * 8504
  for (const paragraph of paras) {
    const { left, intent } = layout(header, paragraph.paraPrIDRef)
    t.ok(left - intent <= textWidth * 2 / 3, `text column ${left - intent}`)
  }
  t.equal(paras.length, 31)
})

t.test('input too deeply nested for the parser is kept as plain lines', async (t) => {
  // Thousands of '>' on one line overflow the parser's stack at once; the report keeps its lines.
  const deep = '>'.repeat(5000) + ' 깊은 곳'
  const pkg = await unzipHwpx(await markdownToHwpx(`${deep}\r\n**둘째** 줄`, { title: 't' }))
  t.same(packageViolations(pkg), [])
  t.same(paragraphs(parseXml(text(pkg, 'Contents/section0.xml'))).map((paragraph) => paragraph.text), [deep, '**둘째** 줄'])
  const shallow = await unzipHwpx(await markdownToHwpx('> 얕은 곳\n\n**둘째** 줄', { title: 't' }))
  t.same(paragraphs(parseXml(text(shallow, 'Contents/section0.xml'))).map((paragraph) => paragraph.text), ['얕은 곳', '둘째 줄'],
    'input the parser can read is still read as Markdown')
})

t.test('a horizontal rule is a paragraph with a bottom border', async (t) => {
  const { header, paras } = await convert('위\n\n---\n\n아래')
  const rule = paras[1]
  t.equal(rule?.text, '')
  const fill = byId(header, 'hh:borderFill', layout(header, rule?.paraPrIDRef ?? '').borderFill)
  t.equal(childElements(fill, 'hh:bottomBorder')[0]?.attributes.type, 'SOLID')
  t.equal(childElements(fill, 'hh:topBorder')[0]?.attributes.type, 'NONE')
})

// A 2×1 PNG, as a generator would inline it.
const PNG_2X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAYAAAD0In+KAAAAEUlEQVR42mP8z8DwnwEIGAEAGfgC/3vQz5EAAAAASUVORK5CYII='

t.test('data: URI images are embedded pictures; remote ones keep their alt text, linked, and are never fetched', async (t) => {
  const pkg = await unzipHwpx(await markdownToHwpx(`![충전기 추이](data:image/png;base64,${PNG_2X1}) ![원격 그림](https://127.0.0.1:1/a.png) ![](b.png)`, { title: 't' }))
  t.same(packageViolations(pkg), [])
  const section = parseXml(text(pkg, 'Contents/section0.xml'))
  const pictures = findAll(section, 'hp:pic')
  t.equal(pictures.length, 1)
  const image = findAll(pictures[0] as XmlElement, 'hc:img')[0]
  t.equal(image?.attributes.binaryItemIDRef, 'image1')
  t.same([...(pkg.files.get('BinData/image1.png') ?? [])], [...Buffer.from(PNG_2X1, 'base64')], 'the PNG is stored byte for byte')
  t.match(findAll(pictures[0] as XmlElement, 'hp:orgSz')[0]?.attributes, { width: '150', height: '75' }, '96 dpi: 75 HWPUNIT a pixel')
  t.equal(findAll(pictures[0] as XmlElement, 'hp:pos')[0]?.attributes.treatAsChar, '1', 'set in the line like a character')
  const hpf = parseXml(text(pkg, 'Contents/content.hpf'))
  t.match(findAll(hpf, 'opf:item').find((item) => item.attributes.id === 'image1')?.attributes, { href: 'BinData/image1.png', 'media-type': 'image/png' })
  const [paragraph] = paragraphs(section)
  t.equal(paragraph?.text, ' 원격 그림 [그림] (b.png)')
  t.same(hyperlinks(childElements(section, 'hp:p')[0] as XmlElement).map((link) => [link.path, link.text]), [['https://127.0.0.1:1/a.png', '원격 그림']])
})

t.test('a data: URI that is not a readable raster image keeps its alt text', async (t) => {
  const { section, paras } = await convert('![svg](data:image/svg+xml;base64,PHN2Zy8+) ![깨짐](data:image/png;base64,AAAA)')
  t.equal(findAll(section, 'hp:pic').length, 0)
  t.equal(paras[0]?.text, 'svg 깨짐')
})

t.test('raw HTML: comments vanish, tags give their text, references are decoded, <br> breaks the line', async (t) => {
  const { paras } = await convert([
    '<div align="center">\n가운데 &amp; 정렬\n</div>',
    '앞<br>뒤 <span style="color:red">빨강</span> <kbd>Ctrl</kbd>+<kbd>C</kbd> &amp; &#xAC00;<!-- 인라인 주석 -->끝',
    '<!-- 메모 -->',
    '<p>첫 줄</p><p>둘째 줄</p>',
    '다음'
  ].join('\n\n'))
  t.same(paras.map((paragraph) => paragraph.text), ['가운데 & 정렬', '앞\n뒤 빨강 Ctrl+C & 가끝', '첫 줄\n둘째 줄', '다음'], 'the comment block leaves no paragraph')
})

t.test('footnotes are hp:footNote controls where they are referenced, numbered in order', async (t) => {
  const { section, paras } = await convert('본문[^src] 둘째[^2]\n\n[^2]: 두 번째 **주석**\n\n[^src]: 출처 설명\n\n    둘째 문단\n\n[^unused]: 아무도 부르지 않음')
  const notes = findAll(section, 'hp:footNote')
  t.same(notes.map((note) => note.attributes.number), ['1', '2'])
  const noteText = (note: XmlElement): string[] => findAll(note, 'hp:p').map((p) => sectionText({ name: 'x', attributes: {}, children: [p] }).replace(/\n$/, '').trim())
  t.same(noteText(notes[0] as XmlElement), ['출처 설명', '둘째 문단'])
  t.same(noteText(notes[1] as XmlElement), ['두 번째 주석'])
  t.equal(findAll(notes[0] as XmlElement, 'hp:autoNum')[0]?.attributes.numType, 'FOOTNOTE', 'the note shows its number')
  t.equal(paras[0]?.runs.map((run) => run.text).join(''), '본문 둘째', 'no [label] left in the text')
  const sequence = childElements(childElements(section, 'hp:p')[0] as XmlElement, 'hp:run')
    .map((run) => findAll(run, 'hp:footNote')[0]?.attributes.number ?? sectionText({ name: 'x', attributes: {}, children: childElements(run, 'hp:t') }))
    .filter((item) => item !== '')
  t.same(sequence, ['본문', '1', ' 둘째', '2'], 'each note right where it was referenced')
  t.same(paras.slice(1).map((paragraph) => paragraph.text), ['아무도 부르지 않음'], 'an unreferenced definition keeps its text, at the end')
})

t.test('markup characters are escaped and come back unchanged', async (t) => {
  const { paras } = await convert('A &amp; B < C > D "q" \'a\' & &lt;')
  t.equal(paras[0]?.text, 'A & B < C > D "q" \'a\' & <')
})

t.test('characters XML cannot hold are dropped, everything else kept', async (t) => {
  const { paras } = await convert('가\u0001나\u0008다\u000B라\u001F마\uFFFE바\uD800사\uDC00아\u007F자\u0080차\u009F카 🚗 電 \u00A0끝')
  t.equal(paras[0]?.text, '가나다라마바사아자차카 🚗 電 \u00A0끝', 'DEL and C1 controls too')
})

t.test('a heading inside a list or quote is still a 개요 heading', async (t) => {
  const { header, paras, shown } = await convert('> ## 인용 속 제목\n\n- ### 목록 속 제목')
  t.equal(byId(header, 'hh:style', paras[0]?.styleIDRef ?? '').attributes.name, '개요 1')
  t.equal(shown[1], '• ')
  t.equal(byId(header, 'hh:style', paras[2]?.styleIDRef ?? '').attributes.name, '개요 2')
})

t.test('an empty heading leaves no paragraph (and no tall gap)', async (t) => {
  const { paras } = await convert('앞\n\n##\n\n### \n\n#\n\n뒤')
  t.same(paras.map((paragraph) => paragraph.text), ['앞', '뒤'])
})

t.test('space after a table or code box keeps the next paragraph, table or box off its border', async (t) => {
  const { header, section } = await convert('| a |\n|---|\n| 1 |\n\n| b |\n|---|\n| 2 |\n\n```\ncode\n```\n\n```\nmore\n```\n\n뒤')
  const anchors = childElements(section, 'hp:p').filter((p) => findAll(p, 'hp:tbl').length > 0)
  t.equal(anchors.length, 4)
  for (const anchor of anchors) {
    const paraPr = byId(header, 'hh:paraPr', anchor.attributes.paraPrIDRef ?? '')
    const next = Number(childElements(findAll(childElements(paraPr, 'hp:switch')[0] as XmlElement, 'hh:margin')[0] as XmlElement, 'hc:next')[0]?.attributes.value)
    t.ok(next >= 600, `space after the box: ${next} HWPUNIT`)
  }
})

t.test('every page has a running header (title · date) and a page number', async (t) => {
  const pkg = await unzipHwpx(await markdownToHwpx('본문', { title: '  2025년\n시장 보고서 ', date: new Date('2025-03-01T20:00:00Z') }))
  const section = parseXml(text(pkg, 'Contents/section0.xml'))
  const headers = findAll(section, 'hp:header')
  t.equal(headers.length, 1)
  t.equal(headers[0]?.attributes.applyPageType, 'BOTH')
  t.equal(sectionText({ name: 'x', attributes: {}, children: findAll(headers[0] as XmlElement, 'hp:p') }).trim(), '2025년 시장 보고서 · 2025. 3. 2.', 'the date in Korean time')
  t.match(findAll(section, 'hp:pageNum')[0]?.attributes, { pos: 'BOTTOM_CENTER', formatType: 'DIGIT' })
  const untitled = parseXml(text(await unzipHwpx(await markdownToHwpx('본문', { title: '' })), 'Contents/section0.xml'))
  t.equal(findAll(untitled, 'hp:header').length, 0, 'no empty header without a title or date')
  t.equal(findAll(untitled, 'hp:pageNum').length, 1, 'page numbers all the same')
})
