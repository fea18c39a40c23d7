// What a reader of the document sees, through the independent readers:
// @rhwp/core lays out and renders the pages (SVG), kordoc parses the
// package into Markdown. Each check is about one thing an office user
// expects from a report (issue 15): list numbers that start where the
// Markdown says, real footnotes, no raw markup, page numbers and a running
// header, native bullets and numbers, no invented heading numbers, links
// that are links, embedded pictures, no stray control characters.
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createRequire } from 'node:module'
import { HwpDocument, initSync } from '@rhwp/core'
import { parseHwpx } from 'kordoc'
import t from 'tap'
import { markdownToHwpx } from '../../../src/hwpx/index.js'

const measured = globalThis as typeof globalThis & { measureTextWidth?: (font: string, text: string) => number }
// rhwp measures text through a host function (a browser canvas); give it a
// deterministic estimate, as the other rhwp test does.
measured.measureTextWidth ??= (font, text) => {
  const size = Number(/(\d+(?:\.\d+)?)px/.exec(font)?.[1] ?? 16)
  return [...text].reduce((width, char) => width + ((char.codePointAt(0) ?? 0) >= 0x2E80 ? size : size * 0.55), 0)
}
initSync({ module: readFileSync(createRequire(import.meta.url).resolve('@rhwp/core/rhwp_bg.wasm')) })

const PNG_2X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAYAAAD0In+KAAAAEUlEQVR42mP8z8DwnwEIGAEAGfgC/3vQz5EAAAAASUVORK5CYII='

async function convert (markdown: string, title = '시장 보고서'): Promise<Uint8Array> {
  return await markdownToHwpx(markdown, { title, date: new Date('2025-03-01T00:00:00Z') })
}

/** The text rhwp draws on each page, glyph runs joined without spaces. */
function renderedPages (bytes: Uint8Array): string[] {
  const doc = new HwpDocument(bytes)
  try {
    return Array.from({ length: doc.pageCount() }, (_, page) =>
      [...doc.renderPageSvg(page).matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((match) => decodeXml(match[1] as string)).join(''))
  } finally {
    doc.free()
  }
}

function decodeXml (text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&')
}

async function kordocMarkdown (bytes: Uint8Array): Promise<string> {
  const result = await parseHwpx(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer)
  return (result as { markdown: string }).markdown
}

t.test('an ordered list starts at its own first number', async (t) => {
  const bytes = await convert('1. 하나\n2. 둘\n3. 셋\n\n중간 문단\n\n7. 일곱\n8. 여덟\n')
  const page = renderedPages(bytes)[0] as string
  t.match(page, '7.일곱8.여덟', 'rhwp draws 7. and 8.')
  t.notMatch(page, '4.일곱', 'not continued from the previous list')
  const markdown = await kordocMarkdown(bytes)
  t.match(markdown, /7\. 일곱\s+8\. 여덟/, 'kordoc numbers them 7. and 8.')
})

t.test('footnotes are footnotes: a number in the text, the note at the page foot', async (t) => {
  const bytes = await convert('본문 문장[^출처] 계속되는 문장.\n\n다음 문단.\n\n[^출처]: 통계청 2024년 자료.')
  const page = renderedPages(bytes)[0] as string
  t.notMatch(page, '[출처]', 'no [label] in the text')
  t.ok(page.indexOf('다음문단.') < page.indexOf('통계청2024년자료.'), 'the note comes after the body, at the foot')
  t.match(page, /문장1\)계속되는/, 'the note number stands where the note was referenced')
  t.match(await kordocMarkdown(bytes), /통계청 2024년 자료\./, 'kordoc reads the note')
})

t.test('raw HTML leaves no markup: comments vanish, tags give their text, references decode', async (t) => {
  const bytes = await convert('<!-- 작성자 메모 -->\n\n앞 <span style="color:red">빨강</span> <kbd>Ctrl</kbd> &amp; 뒤<!-- 주석 -->\n\n<div>블록 &lt;HTML&gt;</div>')
  const page = renderedPages(bytes)[0] as string
  t.match(page, '앞빨강Ctrl&뒤')
  t.match(page, '블록<HTML>')
  for (const markup of ['<!--', 'span', 'kbd', '&amp;', 'div', '메모', '주석']) t.notMatch(page, markup, `no ${markup}`)
  const markdown = await kordocMarkdown(bytes)
  t.notMatch(markdown, /<span|<kbd|<!--|&amp;amp;/)
})

t.test('every page has the running header and its page number', async (t) => {
  const body = Array.from({ length: 60 }, (_, index) => `${index + 1}번째 문단은 페이지를 넘기기 위해 충분히 긴 문장으로 이루어져 있으며, 보고서 본문처럼 읽힌다.`).join('\n\n')
  const pages = renderedPages(await convert(`# 제목\n\n${body}`))
  t.ok(pages.length >= 3, `${pages.length} pages`)
  pages.forEach((page, index) => {
    t.ok(page.startsWith('시장보고서·2025.3.1.'), `page ${index + 1} starts with the header`)
    t.ok(page.endsWith(`-${index + 1}-`), `page ${index + 1} ends with "- ${index + 1} -"`)
  })
})

t.test('bullets and numbers are the format\'s own, not text', async (t) => {
  const bytes = await convert('- 가\n  - 나\n- [x] 다\n\n1. 첫째\n2. 둘째')
  const doc = new HwpDocument(bytes)
  t.teardown(() => { doc.free() })
  const texts = Array.from({ length: doc.getParagraphCount(0) }, (_, para) => doc.getTextRange(0, para, 0, doc.getParagraphLength(0, para)))
  t.same(texts, ['가', '나', '다', '첫째', '둘째'], 'the paragraphs hold no marker text')
  t.match(renderedPages(bytes)[0], '•가○나☑다1.첫째2.둘째', 'yet rhwp draws the markers')
})

t.test('headings carry no invented number and empty headings leave no gap', async (t) => {
  const bytes = await convert('# 보고서\n\n## 1. 서론\n\n##\n\n### 1.1 배경\n\n본문')
  const page = renderedPages(bytes)[0] as string
  t.match(page, '보고서1.서론1.1배경본문', 'exactly the headings\' own numbers')
  const markdown = await kordocMarkdown(bytes)
  t.match(markdown, /#+ 1\. 서론/)
  t.notMatch(markdown, /1\. 1\. 서론/)
  const doc = new HwpDocument(bytes)
  t.teardown(() => { doc.free() })
  t.equal(doc.getParagraphCount(0), 4, 'the empty ## is gone')
})

t.test('links are hyperlinks; data: images are embedded; remote images are never fetched', async (t) => {
  let requests = 0
  const server = createServer((_, response) => { requests++; response.end() })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { server.close() })
  const remote = `http://127.0.0.1:${(server.address() as AddressInfo).port}/chart.png`
  const bytes = await convert(`[통계청](https://kostat.go.kr) 자료와 ![추이 그래프](data:image/png;base64,${PNG_2X1}) 그리고 ![원격 차트](${remote})`)
  t.equal(requests, 0, 'nothing was fetched')
  const markdown = await kordocMarkdown(bytes)
  t.match(markdown, '[통계청](https://kostat.go.kr)', 'kordoc sees a link')
  t.match(markdown, `[원격 차트](${remote})`, 'the remote image keeps its alt text and its link')
  t.match(markdown, /!\[[^\]]*\]\([^)]+\)/, 'kordoc finds the embedded picture')
  const doc = new HwpDocument(bytes)
  t.teardown(() => { doc.free() })
  const pictures = (JSON.parse(doc.getControls()) as Array<{ ctrlId: string }>).filter((control) => control.ctrlId === 'gso' || control.ctrlId === 'pic')
  t.equal(pictures.length, 1, 'rhwp sees one picture')
  t.notMatch(renderedPages(bytes)[0], 'https://kostat.go.kr', 'the address is not printed')
})

t.test('DEL and C1 control characters do not reach the page', async (t) => {
  const bytes = await convert('가\u007F나\u0080다\u0085라\u009F마')
  t.match(renderedPages(bytes)[0], '가나다라마')
  t.match(await kordocMarkdown(bytes), '가나다라마')
})
