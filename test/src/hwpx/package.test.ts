import { readFileSync } from 'node:fs'
import t from 'tap'
import { HWPX_MIME_TYPE, markdownToHwpx } from '../../../src/hwpx/index.js'
import { HANCOM_ENTRY_ORDER, packageViolations } from './support/package-validator.js'
import { childElements, findAll, parseXml } from './support/xml.js'
import { text, unzipHwpx } from './support/zip.js'

const report = readFileSync(new URL('../../fixtures/hwpx/report.md', import.meta.url), 'utf8')
const date = new Date('2025-03-01T09:30:00Z')

t.test('the report converts to a package with no invariant violations', async (t) => {
  const pkg = await unzipHwpx(await markdownToHwpx(report, { title: '전기차 충전 인프라 보고서', date, author: '시장분석팀' }))
  t.same(packageViolations(pkg), [])
})

t.test('entries are exactly Hancom\'s, in Hancom\'s order, only mimetype stored', async (t) => {
  const pkg = await unzipHwpx(await markdownToHwpx('# 제목\n\n본문', { title: 'x' }))
  t.same(pkg.entries.map((entry) => entry.name), HANCOM_ENTRY_ORDER)
  for (const entry of pkg.entries) {
    t.equal(entry.method, entry.name === 'mimetype' ? 0 : 8, `${entry.name} compression method`)
    t.equal(entry.flags & 0x8, 0, `${entry.name} has no data descriptor`)
  }
})

t.test('mimetype is the first local file, stored, at the fixed offsets', async (t) => {
  const bytes = await markdownToHwpx('', { title: 'x' })
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  t.equal(view.getUint32(0, true), 0x04034b50, 'local file header signature at 0')
  t.equal(view.getUint16(8, true), 0, 'compression method 0 (STORED)')
  t.equal(view.getUint16(26, true), 8, 'name length')
  t.equal(view.getUint16(28, true), 0, 'no extra field')
  t.equal(new TextDecoder().decode(bytes.subarray(30, 38)), 'mimetype')
  t.equal(new TextDecoder().decode(bytes.subarray(38, 57)), HWPX_MIME_TYPE)
  t.equal(HWPX_MIME_TYPE, 'application/hwp+zip')
})

t.test('an empty document still has one paragraph carrying the page setup', async (t) => {
  const pkg = await unzipHwpx(await markdownToHwpx('', { title: '' }))
  t.same(packageViolations(pkg), [])
  const section = parseXml(text(pkg, 'Contents/section0.xml'))
  t.equal(childElements(section, 'hp:p').length, 1)
})

t.test('page setup is A4 portrait with 30/20/15 mm margins', async (t) => {
  const pkg = await unzipHwpx(await markdownToHwpx('text', { title: 'x' }))
  const section = parseXml(text(pkg, 'Contents/section0.xml'))
  const pagePr = findAll(section, 'hp:pagePr')[0]
  t.match(pagePr?.attributes, { width: '59528', height: '84186', landscape: 'WIDELY' })
  t.match(findAll(section, 'hp:margin')[0]?.attributes, { left: '8504', right: '8504', top: '5668', bottom: '4252' })
})

t.test('a table as the first block leaves the page setup in the first paragraph', async (t) => {
  for (const markdown of ['| a | b |\n|---|---|\n| 1 | 2 |', '```\ncode\n```']) {
    const pkg = await unzipHwpx(await markdownToHwpx(markdown, { title: 'x' }))
    t.same(packageViolations(pkg), [], markdown)
    const section = parseXml(text(pkg, 'Contents/section0.xml'))
    const cellParagraph = findAll(section, 'hp:subList').flatMap((subList) => childElements(subList, 'hp:p'))[0]
    t.equal(cellParagraph === undefined ? 0 : findAll(cellParagraph, 'hp:secPr').length, 0, 'no secPr inside the table')
  }
})

t.test('metadata: title, language, creator, subject and dates in content.hpf', async (t) => {
  const pkg = await unzipHwpx(await markdownToHwpx('x', { title: 'R&D <보고서>', date, author: '홍길동', subject: '전기차 충전' }))
  const hpf = parseXml(text(pkg, 'Contents/content.hpf'))
  const meta = (name: string): string | undefined => {
    const element = findAll(hpf, 'opf:meta').find((candidate) => candidate.attributes.name === name)
    return element?.children.join('')
  }
  t.equal(findAll(hpf, 'opf:title')[0]?.children.join(''), 'R&D <보고서>')
  t.equal(findAll(hpf, 'opf:language')[0]?.children.join(''), 'ko')
  t.equal(meta('creator'), '홍길동')
  t.equal(meta('subject'), '전기차 충전')
  t.equal(meta('CreatedDate'), '2025-03-01T09:30:00Z')
  t.equal(meta('ModifiedDate'), '2025-03-01T09:30:00Z')
  t.equal(meta('date'), '2025년 3월 1일 토요일 오후 6:30:00', 'Korean local time')
  t.same(findAll(hpf, 'opf:item').map((item) => [item.attributes.id, item.attributes.href]), [
    ['header', 'Contents/header.xml'],
    ['section0', 'Contents/section0.xml'],
    ['settings', 'settings.xml']
  ])
})

t.test('without a date the metadata dates are empty and entries carry the DOS epoch', async (t) => {
  const pkg = await unzipHwpx(await markdownToHwpx('x', { title: 't' }))
  const hpf = parseXml(text(pkg, 'Contents/content.hpf'))
  const created = findAll(hpf, 'opf:meta').find((element) => element.attributes.name === 'CreatedDate')
  t.same(created?.children, [])
  const view = new DataView(pkg.bytes.buffer, pkg.bytes.byteOffset, pkg.bytes.byteLength)
  t.equal(view.getUint16(10, true), 0, 'DOS time 00:00:00')
  t.equal(view.getUint16(12, true), (0 << 9) | (1 << 5) | 1, 'DOS date 1980-01-01')
})

t.test('the zip timestamp is the document date, in UTC', async (t) => {
  const bytes = await markdownToHwpx('x', { title: 't', date })
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  t.equal(view.getUint16(10, true), (9 << 11) | (30 << 5), 'DOS time 09:30:00')
  t.equal(view.getUint16(12, true), (45 << 9) | (3 << 5) | 1, 'DOS date 2025-03-01')
})

t.test('options are validated', async (t) => {
  await t.rejects(markdownToHwpx('x', { title: 't', date: new Date(Number.NaN) }), RangeError)
  await t.rejects(markdownToHwpx(undefined as unknown as string, { title: 't' }), TypeError)
  await t.rejects(markdownToHwpx('x', {} as unknown as { title: string }), TypeError)
})

t.test('PrvText.txt holds the start of the text with CRLF line ends', async (t) => {
  const pkg = await unzipHwpx(await markdownToHwpx('# 제목\n\n- 항목\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n' + '가'.repeat(3000), { title: 'x' }))
  const preview = text(pkg, 'Preview/PrvText.txt')
  t.ok(preview.startsWith('제목\r\n• 항목\r\n<a><b>\r\n<1><2>\r\n가'))
  t.ok(preview.length <= 1026, 'truncated')
  t.notMatch(preview.replace(/\r\n/g, ''), /[\r\n]/)
})

// ---------------------------------------------------------------- determinism

const options = { title: '보고서', date, author: '작성자' }

function equalBytes (a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, index) => byte === b[index])
}

t.test('the same input and options give the same bytes', async (t) => {
  const first = await markdownToHwpx(report, options)
  const second = await markdownToHwpx(report, { ...options, date: new Date(options.date.getTime()) })
  t.ok(equalBytes(first, second))
})

t.test('without a date, output does not depend on the clock', async (t) => {
  const first = await markdownToHwpx(report, { title: '보고서' })
  await new Promise((resolve) => setTimeout(resolve, 1100))
  t.ok(equalBytes(first, await markdownToHwpx(report, { title: '보고서' })))
})

t.test('output does not depend on the server\'s time zone', async (t) => {
  const zone = process.env.TZ
  t.teardown(() => { if (zone === undefined) delete process.env.TZ; else process.env.TZ = zone })
  process.env.TZ = 'UTC'
  const utc = await markdownToHwpx(report, options)
  process.env.TZ = 'America/Los_Angeles'
  t.not(new Date(0).getTimezoneOffset(), 0, 'the zone change took effect')
  t.ok(equalBytes(utc, await markdownToHwpx(report, options)))
})

t.test('the date does reach the bytes', async (t) => {
  const other = await markdownToHwpx(report, { ...options, date: new Date('2025-03-02T09:30:00Z') })
  t.notOk(equalBytes(await markdownToHwpx(report, options), other))
})
