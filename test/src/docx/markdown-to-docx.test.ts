// The DOCX beside the HWPX, read back by readers that share no code with
// us: mammoth (npm) for text and structure, and LibreOffice (Debian's
// libreoffice-writer-nogui, `soffice --convert-to pdf`, then poppler's
// pdftotext) for what a reader sees on the pages. What the Markdown shows
// comes from an mdast parse, never from our converter.
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import fc from 'fast-check'
import JSZip from 'jszip'
import mammoth from 'mammoth'
import type { Heading, Nodes, Root } from 'mdast'
import { fromMarkdown } from 'mdast-util-from-markdown'
import { gfmFromMarkdown } from 'mdast-util-gfm'
import { toString } from 'mdast-util-to-string'
import { gfm } from 'micromark-extension-gfm'
import t from 'tap'
import { DOCX_MIME_TYPE, markdownToDocx } from '../../../src/docx/index.js'
import { findSystemTool, skipWithout, type SystemTool } from '../../support/system-tools.js'
import { hostileText, markdownDocument } from '../hwpx/support/markdown-generators.js'
import { firstAbsentPiece, firstMissingPiece, markdownTextPieces, normalizeWhitespace } from '../hwpx/support/markdown-oracle.js'

const run = promisify(execFile)
const report = await readFile(new URL('../../fixtures/hwpx/report.md', import.meta.url), 'utf8')
const TITLE = '2025년 국내 전기차 충전 인프라 시장 분석 보고서'
const DATE = new Date('2025-03-01T00:00:00Z')
const PNG_2X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAYAAAD0In+KAAAAEUlEQVR42mP8z8DwnwEIGAEAGfgC/3vQz5EAAAAASUVORK5CYII='

/** mammoth's HTML, with the Title style read as a title rather than dropped to a paragraph. */
async function html (bytes: Uint8Array): Promise<string> {
  const result = await mammoth.convertToHtml({ buffer: Buffer.from(bytes) }, { styleMap: ["p[style-name='Title'] => h1.title:fresh"] })
  t.same(result.messages.filter((message) => message.type === 'error'), [], 'mammoth read it without errors')
  return result.value
}

const decode = (text: string): string => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&')
const visibleText = (markup: string): string => decode(markup.replace(/<(?:\/p|\/h\d|\/li|\/td|\/th|br ?\/?)>/g, '\n').replace(/<[^>]*>/g, ' '))

async function part (bytes: Uint8Array, name: string): Promise<string> {
  return await (await JSZip.loadAsync(bytes)).file(name)?.async('string') ?? ''
}

t.test('the realistic report: every word, in order, and its outline, through mammoth', async (t) => {
  const bytes = await markdownToDocx(report, { title: TITLE, date: DATE })
  t.same([...bytes.subarray(0, 2)], [0x50, 0x4B], 'a zip')
  t.equal(DOCX_MIME_TYPE, 'application/vnd.openxmlformats-officedocument.wordprocessingml.document')
  const markup = await html(bytes)
  t.equal(firstMissingPiece(markdownTextPieces(report), visibleText(markup)), null, 'all visible text of the Markdown')

  const tree: Root = fromMarkdown(report, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] })
  const nodes: Nodes[] = []
  const walk = (node: Nodes): void => {
    nodes.push(node)
    if ('children' in node) (node.children as Nodes[]).forEach(walk)
  }
  walk(tree)
  const expected = nodes.filter((node): node is Heading => node.type === 'heading' && toString(node).trim() !== '')
    .map((node, index) => `${index === 0 ? 'title' : `h${node.depth - 1}`} ${normalizeWhitespace(toString(node))}`)
  const headings = [...markup.matchAll(/<h(\d)( class="title")?>([\s\S]*?)<\/h\d>/g)]
    .map((match) => `${match[2] === undefined ? `h${match[1] as string}` : 'title'} ${normalizeWhitespace(visibleText(match[3] as string))}`)
  t.same(headings, expected, '# is the title, ## … ###### Word headings 1 … 5')

  const tables = nodes.filter((node) => node.type === 'table').length
  t.equal((markup.match(/<table>/g) ?? []).length, tables, 'one Word table per GFM table')
  t.equal((markup.match(/<thead>/g) ?? []).length, tables, 'each with a header row')
})

t.test('lists are Word lists; a list written 7. starts at 7', async (t) => {
  const bytes = await markdownToDocx('1. 하나\n2. 둘\n\n문단\n\n7. 일곱\n8. 여덟\n   - 아래\n\n- [x] 끝난 일', { title: 't' })
  const markup = await html(bytes)
  t.match(markup, /<ol><li>하나<\/li><li>둘<\/li><\/ol>/)
  t.match(markup, /<ol><li>일곱<\/li><li>여덟<ul><li>아래<\/li><\/ul><\/li><\/ol>/)
  t.match(markup, '☑ 끝난 일')
  const numbering = await part(bytes, 'word/numbering.xml')
  t.match(numbering, /<w:start w:val="7"\/>/, 'the second list starts at 7')
  t.notMatch(markup, /\d\. (?:하나|일곱)/, 'numbers are not text')
})

t.test('footnotes, links, pictures, raw HTML and control characters', async (t) => {
  let requests = 0
  const server = createServer((_, response) => { requests++; response.end() })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { server.close() })
  const remote = `http://127.0.0.1:${(server.address() as AddressInfo).port}/chart.png`
  const bytes = await markdownToDocx([
    '본문[^출처]과 [통계청](https://kostat.go.kr) <span style="x">빨강</span> &amp; 가\u007F나\u0085다<!-- 메모 -->',
    `![추이](data:image/png;base64,${PNG_2X1}) ![원격 차트](${remote})`,
    '[^출처]: 통계청 **2024년** 자료.'
  ].join('\n\n'), { title: 't' })
  t.equal(requests, 0, 'no remote image is fetched')
  const markup = await html(bytes)
  t.match(markup, /본문<sup><a href="#footnote-1" id="footnote-ref-1">\[1\]<\/a><\/sup>과/, 'a real footnote reference')
  t.match(markup, /<li id="footnote-1"><p>통계청 <strong>2024년<\/strong> 자료\./, 'the footnote text')
  t.match(markup, '<a href="https://kostat.go.kr">통계청</a>')
  t.match(markup, ' 빨강 &amp; 가나다</p>', 'tags give their text, entities decode, DEL/C1 and comments vanish')
  t.match(markup, /<img alt="추이" src="data:image\/png;base64,/, 'the picture is embedded')
  t.match(markup, `<a href="${remote}">원격 차트</a>`, 'a remote picture keeps its alt text and link')
})

t.test('page numbers and a running header with the title and date', async (t) => {
  const bytes = await markdownToDocx('본문', { title: TITLE, date: DATE })
  t.match(await part(bytes, 'word/header1.xml'), `${TITLE} · 2025. 3. 1.`)
  t.match(await part(bytes, 'word/footer1.xml'), /PAGE/, 'a PAGE field in the footer')
})

const LIBREOFFICE: SystemTool = {
  name: 'LibreOffice',
  binary: 'soffice',
  dirs: ['/usr/bin', '/usr/lib/libreoffice/program'],
  envVar: 'SOFFICE_PATH',
  install: 'apt-get install -y --no-install-recommends libreoffice-writer-nogui poppler-utils'
}
const PDFTOTEXT: SystemTool = {
  name: 'pdftotext (poppler-utils)',
  binary: 'pdftotext',
  dirs: ['/usr/bin'],
  envVar: 'PDFTOTEXT_PATH',
  install: 'apt-get install -y --no-install-recommends poppler-utils'
}
const officeSkip = skipWithout(LIBREOFFICE) || skipWithout(PDFTOTEXT)

t.test('rendered by LibreOffice: header and page number on every page, list starts, footnotes at the foot', {
  skip: officeSkip
}, async (t) => {
  const soffice = findSystemTool(LIBREOFFICE) as string
  const pdftotext = findSystemTool(PDFTOTEXT) as string
  const directory = await mkdtemp(join(tmpdir(), 'docx-render-'))
  t.teardown(async () => { await rm(directory, { recursive: true, force: true }) })
  const body = Array.from({ length: 80 }, (_, index) => `${index + 1}번째 문단은 쪽을 넘기기 위해 충분히 긴 문장으로 이루어져 있으며 보고서 본문처럼 읽힌다.`).join('\n\n')
  const markdown = `# 보고서\n\n## 1. 서론\n\n각주가 있는 문장[^1].\n\n7. 일곱\n8. 여덟\n\n${body}\n\n[^1]: 각주 내용.`
  await writeFile(join(directory, 'report.docx'), await markdownToDocx(markdown, { title: TITLE, date: DATE }))
  await run(soffice, [`-env:UserInstallation=file://${join(directory, 'profile')}`, '--headless', '--convert-to', 'pdf', '--outdir', directory, join(directory, 'report.docx')], { timeout: 180_000 })
  const { stdout } = await run(pdftotext, ['-layout', join(directory, 'report.pdf'), '-'], { timeout: 60_000 })
  const pages = stdout.split('\f').filter((page) => page.trim() !== '')
  t.ok(pages.length >= 3, `${pages.length} pages`)
  pages.forEach((page, index) => {
    // pdftotext's layout mode does not keep every space of small type.
    const lines = page.split('\n').map((line) => line.replace(/\s+/g, '')).filter((line) => line !== '')
    t.equal(lines[0], `${TITLE} · 2025. 3. 1.`.replace(/\s+/g, ''), `page ${index + 1}: running header`)
    t.equal(lines.at(-1), `-${index + 1}-`, `page ${index + 1}: page number`)
  })
  const first = pages[0] as string
  t.match(first, /^\s*7\.\s+일곱/m, 'the list starts at 7')
  t.match(first, /^\s*8\.\s+여덟/m)
  t.notMatch(first, /^\s*1\.\s+1\.\s+서론/m, 'no invented heading number')
  t.ok(first.indexOf('각주 내용.') > first.indexOf('1번째 문단'), 'the footnote sits at the foot of the page')
  t.notMatch(stdout, /\[\^1\]/, 'no Markdown footnote syntax')
})

t.test('random, hostile Markdown always gives a DOCX mammoth opens, with its words', async (t) => {
  await fc.assert(fc.asyncProperty(markdownDocument, hostileText, async (markdown, title) => {
    const bytes = await markdownToDocx(markdown, { title, author: title, subject: title })
    const result = await mammoth.convertToHtml({ buffer: Buffer.from(bytes) })
    if (result.messages.some((message) => message.type === 'error')) throw new Error(JSON.stringify(result.messages))
    const missing = firstAbsentPiece(markdownTextPieces(markdown), visibleText(result.value))
    if (missing !== null) throw new Error(`lost text ${JSON.stringify(missing)}`)
  }), { numRuns: 25, seed: Number(process.env.FC_SEED ?? 20250301) })
  t.pass('property held')
})
