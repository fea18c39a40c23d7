// The invariant checker must catch every kind of broken package it claims
// to, or the other tests prove nothing: each case breaks one thing in a
// valid package and expects exactly that to be reported.
import JSZip from 'jszip'
import t from 'tap'
import { markdownToHwpx } from '../../../src/hwpx/index.js'
import { HANCOM_ENTRY_ORDER, packageViolations } from './support/package-validator.js'
import { type HwpxPackage, text, unzipHwpx } from './support/zip.js'

const MARKDOWN = '# 제목\n\n## 개요\n\n본문 **굵게**\n\n| a | b |\n|---|---|\n| 1 | 2 |\n'

type Edit = (xml: string) => string | Uint8Array

async function rezip (pkg: HwpxPackage, edits: Record<string, Edit>, options: {
  order?: readonly string[]
  mimetypeCompression?: 'STORE' | 'DEFLATE'
  omit?: string
} = {}): Promise<HwpxPackage> {
  const zip = new JSZip()
  for (const name of options.order ?? HANCOM_ENTRY_ORDER) {
    if (name === options.omit) continue
    const edit = edits[name]
    const content = edit === undefined ? pkg.files.get(name) as Uint8Array : edit(text(pkg, name))
    const compression = name === 'mimetype' ? options.mimetypeCompression ?? 'STORE' : 'DEFLATE'
    zip.file(name, content, { compression, createFolders: false })
  }
  return await unzipHwpx(await zip.generateAsync({ type: 'uint8array' }))
}

const valid = unzipHwpx(await markdownToHwpx(MARKDOWN, { title: 't' }))

t.test('the unmodified package is valid and survives re-zipping', async (t) => {
  const pkg = await valid
  t.same(packageViolations(pkg), [])
  t.same(packageViolations(await rezip(pkg, {})), [])
})

const header = (edit: Edit): Record<string, Edit> => ({ 'Contents/header.xml': edit })
const section = (edit: Edit): Record<string, Edit> => ({ 'Contents/section0.xml': edit })

/** UTF-8 cannot carry a lone surrogate; this is how one arrives as bytes. */
function withEncodedLoneSurrogate (xml: string): Uint8Array {
  const [before, after] = xml.split('본문') as [string, string]
  const encoder = new TextEncoder()
  return new Uint8Array([...encoder.encode(before + '본'), 0xED, 0xA0, 0x80, ...encoder.encode('문' + after)])
}

const cases: Array<[string, Record<string, Edit>, RegExp]> = [
  ['wrong itemCnt', header((xml) => xml.replace(/<hh:charProperties itemCnt="(\d+)"/, (_, n) => `<hh:charProperties itemCnt="${Number(n) + 1}"`)), /charProperties itemCnt=/],
  ['wrong fontCnt', header((xml) => xml.replace('fontCnt="4"', 'fontCnt="5"')), /fontCnt=5/],
  ['duplicate charPr id', header((xml) => xml.replace('<hh:charPr id="1"', '<hh:charPr id="0"')), /duplicate hh:charPr id 0/],
  ['dangling run charPrIDRef', section((xml) => xml.replace(/<hp:run charPrIDRef="\d+"><hp:t>/, '<hp:run charPrIDRef="999"><hp:t>')), /hp:run@charPrIDRef=999 names no charPr/],
  ['dangling paraPrIDRef', section((xml) => xml.replace(/paraPrIDRef="\d+"/, 'paraPrIDRef="999"')), /hp:p@paraPrIDRef=999/],
  ['dangling styleIDRef', section((xml) => xml.replace(/styleIDRef="\d+"/, 'styleIDRef="77"')), /styleIDRef=77 names no style/],
  ['dangling style paraPrIDRef', header((xml) => xml.replace(/(<hh:style id="0"[^>]*paraPrIDRef=")\d+/, '$1999')), /hh:style@paraPrIDRef=999/],
  ['dangling table borderFillIDRef', section((xml) => xml.replace(/(<hp:tbl [^>]*borderFillIDRef=")\d+/, '$142')), /hp:tbl@borderFillIDRef=42/],
  ['dangling outline numbering', section((xml) => xml.replace('outlineShapeIDRef="1"', 'outlineShapeIDRef="9"')), /outlineShapeIDRef=9 names no numbering/],
  ['heading naming a missing numbering', header((xml) => xml.replace('<hh:heading type="NONE" idRef="0"', '<hh:heading type="NUMBER" idRef="5"')), /heading NUMBER idRef=5/],
  ['an unchecked kind of reference', section((xml) => xml.replace('<hp:p id="1"', '<hp:p fooIDRef="3" id="1"')), /unchecked reference hp:p@fooIDRef/],
  ['fontRef beyond the fonts', header((xml) => xml.replace(/<hh:fontRef hangul="\d+"/, '<hh:fontRef hangul="9"')), /fontRef hangul=9/],
  ['secCnt disagreeing with the sections', header((xml) => xml.replace('secCnt="1"', 'secCnt="2"')), /secCnt is 2/],
  ['a layout cache', section((xml) => xml.replace('</hp:p>', '<hp:linesegarray><hp:lineseg textpos="0" vertpos="0" vertsize="1000" textheight="1000" baseline="850" spacing="600" horzpos="0" horzsize="42520" flags="393216"/></hp:linesegarray></hp:p>')), /linesegarray/],
  ['a control character', section((xml) => xml.replace('본문', '본\u0001문')), /U\+1 is not allowed/],
  ['a lone surrogate', section(withEncodedLoneSurrogate), /not valid UTF-8/],
  ['a noncharacter', section((xml) => xml.replace('본문', '본\uFFFE문')), /U\+fffe is not allowed/],
  ['an unescaped ampersand', section((xml) => xml.replace('본문', '본 & 문')), /not well-formed/],
  ['a raw line break in hp:t', section((xml) => xml.replace('본문', '본\n문')), /raw line break/],
  ['a line break outside hp:t', section((xml) => xml.replace(/(<hp:run charPrIDRef="\d+">)(<hp:t>본문)/, '$1<hp:lineBreak/>$2')), /hp:lineBreak outside hp:t/],
  ['the page setup outside the first run', section((xml) => xml.replace(/<hp:run charPrIDRef="\d+"><hp:secPr/, '<hp:run charPrIDRef="0"><hp:t/></hp:run>$&')), /first run of the first paragraph/],
  ['rowCnt disagreeing with the rows', section((xml) => xml.replace('rowCnt="2"', 'rowCnt="3"')), /rowCnt=3 but 2 hp:tr/],
  ['cell widths not adding up', section((xml) => xml.replace(/<hp:cellSz width="(\d+)"/, (_, w) => `<hp:cellSz width="${Number(w) - 1}"`)), /cells are \d+ wide, the table/],
  ['a cell claiming a taken grid slot', section((xml) => xml.replace('<hp:cellAddr colAddr="1" rowAddr="0"/>', '<hp:cellAddr colAddr="0" rowAddr="0"/>')), /covered twice/],
  ['a missing cell size', section((xml) => xml.replace(/<hp:cellSz [^>]*\/>/, '')), /cell children/],
  ['the EPUB OPF namespace', { 'Contents/content.hpf': (xml) => xml.replace('http://www.idpf.org/2007/opf/', 'http://www.idpf.org/2007/opf') }, /OPF namespace/],
  ['a renamed section item', { 'Contents/content.hpf': (xml) => xml.replace('id="section0"', 'id="s0"').replace('idref="section0"', 'idref="s0"') }, /no manifest item "section0"/],
  ['a container without the package', { 'META-INF/container.xml': (xml) => xml.replace('application/hwpml-package+xml', 'application/xml') }, /container\.xml: does not name/],
  ['a byte-order mark', { 'settings.xml': (xml) => '\uFEFF' + xml }, /byte-order mark/],
  ['a missing standalone declaration', { 'version.xml': (xml) => xml.replace(' standalone="yes"', '') }, /XML declaration/],
  ['LF line ends in the preview', { 'Preview/PrvText.txt': (preview) => preview.replace(/\r\n/g, '\n') }, /not CRLF/]
]

for (const [name, edits, expected] of cases) {
  t.test(`reports ${name}`, async (t) => {
    const violations = packageViolations(await rezip(await valid, edits))
    t.ok(violations.some((violation) => expected.test(violation)), `${expected} in ${JSON.stringify(violations)}`)
  })
}

t.test('reports a compressed mimetype', async (t) => {
  const violations = packageViolations(await rezip(await valid, {}, { mimetypeCompression: 'DEFLATE' }))
  t.ok(violations.some((violation) => /mimetype is compressed/.test(violation)), JSON.stringify(violations))
})

t.test('reports mimetype not coming first', async (t) => {
  const order = ['version.xml', 'mimetype', ...HANCOM_ENTRY_ORDER.slice(2)]
  const violations = packageViolations(await rezip(await valid, {}, { order }))
  t.ok(violations.some((violation) => /first entry is version\.xml/.test(violation)), JSON.stringify(violations))
})

t.test('reports a missing settings.xml', async (t) => {
  const violations = packageViolations(await rezip(await valid, {}, { omit: 'settings.xml' }))
  t.ok(violations.some((violation) => /missing settings\.xml/.test(violation)), JSON.stringify(violations))
})
