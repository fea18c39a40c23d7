// Shared by the hwpx tests: unzip a package, parse its XML parts with
// fast-xml-parser and check the invariants Hancom relies on, extract its
// text, and generate hostile Markdown. The checks return human-readable
// violations (empty = valid) so that tests can assert on them and also
// prove they catch broken packages.

import { decodeNamedCharacterReference } from 'decode-named-character-reference'
import fc from 'fast-check'
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import JSZip from 'jszip'
import type { Nodes } from 'mdast'
import { fromMarkdown } from 'mdast-util-from-markdown'
import { gfmFromMarkdown } from 'mdast-util-gfm'
import { gfm } from 'micromark-extension-gfm'

export interface XmlElement {
  readonly name: string
  readonly attributes: Readonly<Record<string, string>>
  readonly children: readonly XmlNode[]
}
export type XmlNode = XmlElement | string

export interface ZipEntry {
  readonly name: string
  readonly method: number
  readonly flags: number
  readonly localExtraLength: number
  readonly localOffset: number
}

export interface HwpxPackage {
  readonly bytes: Uint8Array
  /** Entries in central-directory order, read straight from the bytes. */
  readonly entries: readonly ZipEntry[]
  /** Raw bytes of every entry. */
  readonly files: ReadonlyMap<string, Uint8Array>
}

export const REQUIRED_ENTRIES = [
  'mimetype',
  'version.xml',
  'Contents/header.xml',
  'Contents/section0.xml',
  'settings.xml',
  'Contents/content.hpf',
  'META-INF/container.xml'
]

/** The order Hancom 13 writes its entries in. */
export const HANCOM_ENTRY_ORDER = [
  'mimetype',
  'version.xml',
  'Contents/header.xml',
  'Contents/section0.xml',
  'Preview/PrvText.txt',
  'settings.xml',
  'META-INF/container.rdf',
  'Contents/content.hpf',
  'META-INF/container.xml',
  'META-INF/manifest.xml'
]

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>'

export async function unzipHwpx (bytes: Uint8Array): Promise<HwpxPackage> {
  const entries = readCentralDirectory(bytes)
  const zip = await JSZip.loadAsync(bytes)
  const files = new Map<string, Uint8Array>()
  for (const entry of entries) {
    const file = zip.file(entry.name)
    if (file !== null) files.set(entry.name, await file.async('uint8array'))
  }
  return { bytes, entries, files }
}

export function text (pkg: HwpxPackage, name: string): string {
  const data = pkg.files.get(name)
  if (data === undefined) throw new Error(`no ${name} in package`)
  return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(data)
}

function readCentralDirectory (bytes: Uint8Array): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let eocd = -1
  for (let offset = bytes.length - 22; offset >= 0; offset--) {
    if (view.getUint32(offset, true) === 0x06054b50) { eocd = offset; break }
  }
  if (eocd < 0) throw new Error('no end of central directory record')
  const count = view.getUint16(eocd + 10, true)
  let offset = view.getUint32(eocd + 16, true)
  const entries: ZipEntry[] = []
  for (let index = 0; index < count; index++) {
    if (view.getUint32(offset, true) !== 0x02014b50) throw new Error('bad central directory header')
    const nameLength = view.getUint16(offset + 28, true)
    const extraLength = view.getUint16(offset + 30, true)
    const commentLength = view.getUint16(offset + 32, true)
    const localOffset = view.getUint32(offset + 42, true)
    const name = new TextDecoder().decode(bytes.subarray(offset + 46, offset + 46 + nameLength))
    entries.push({
      name,
      method: view.getUint16(offset + 10, true),
      flags: view.getUint16(offset + 8, true),
      localExtraLength: view.getUint16(localOffset + 28, true),
      localOffset
    })
    offset += 46 + nameLength + extraLength + commentLength
  }
  return entries
}

// ---------------------------------------------------------------- XML

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  ignoreDeclaration: true
})

type OrderedNode = Record<string, unknown>

/** The document element of `xml`. */
export function parseXml (xml: string): XmlElement {
  const nodes = toNodes(parser.parse(xml) as OrderedNode[])
  const root = nodes.find((node): node is XmlElement => typeof node !== 'string')
  if (root === undefined) throw new Error('no document element')
  return root
}

function toNodes (ordered: readonly OrderedNode[]): XmlNode[] {
  return ordered.map((node) => {
    if ('#text' in node) return String(node['#text'])
    const name = Object.keys(node).find((key) => key !== ':@') as string
    return {
      name,
      attributes: (node[':@'] ?? {}) as Record<string, string>,
      children: toNodes(node[name] as OrderedNode[])
    }
  })
}

export function childElements (element: XmlElement, name?: string): XmlElement[] {
  return element.children.filter((child): child is XmlElement =>
    typeof child !== 'string' && (name === undefined || child.name === name))
}

/** Every element under `element` (itself included), in document order. */
export function * descendants (element: XmlElement): Generator<XmlElement> {
  yield element
  for (const child of childElements(element)) yield * descendants(child)
}

export function findAll (root: XmlElement, name: string): XmlElement[] {
  return [...descendants(root)].filter((element) => element.name === name)
}

// ---------------------------------------------------------------- invariants

const INVALID_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u
/** DEL and C1 controls: valid XML, but nothing a reader draws, so the converter drops them. */
const NOT_DRAWN = /[\u007F-\u009F]/g

/** Everything wrong with `pkg`, as sentences; empty when the package is valid. */
export function packageViolations (pkg: HwpxPackage): string[] {
  const problems: string[] = []
  const report = (problem: string): void => { problems.push(problem) }
  checkZip(pkg, report)
  const xml = new Map<string, XmlElement>()
  for (const [name, data] of pkg.files) {
    if (!/\.(xml|hpf|rdf)$/.test(name)) continue
    const root = checkXmlPart(name, data, report)
    if (root !== null) xml.set(name, root)
  }
  const header = xml.get('Contents/header.xml')
  const section = xml.get('Contents/section0.xml')
  if (header === undefined || section === undefined) return problems
  const ids = checkHeader(header, report)
  checkSection(section, ids, report)
  checkContentHpf(xml.get('Contents/content.hpf'), pkg, header, report)
  checkContainer(xml.get('META-INF/container.xml'), pkg, report)
  checkPreview(pkg, report)
  const manifestIds = new Set(findAll(xml.get('Contents/content.hpf') ?? section, 'opf:item').map((item) => item.attributes.id))
  for (const image of findAll(section, 'hc:img')) {
    if (!manifestIds.has(image.attributes.binaryItemIDRef)) report(`section0.xml: hc:img names ${image.attributes.binaryItemIDRef}, which content.hpf does not list`)
  }
  for (const [name, root] of xml) {
    if (findAll(root, 'hp:linesegarray').length > 0) report(`${name}: contains hp:linesegarray (layout cache)`)
  }
  return problems
}

function checkZip (pkg: HwpxPackage, report: (problem: string) => void): void {
  const view = new DataView(pkg.bytes.buffer, pkg.bytes.byteOffset, pkg.bytes.byteLength)
  const name = new TextDecoder().decode(pkg.bytes.subarray(30, 30 + view.getUint16(26, true)))
  if (view.getUint32(0, true) !== 0x04034b50) report('zip: no local file header at offset 0')
  if (name !== 'mimetype') report(`zip: first entry is ${name}, not mimetype`)
  if (view.getUint16(8, true) !== 0) report('zip: mimetype is compressed (method must be 0, STORED)')
  if (view.getUint16(28, true) !== 0) report('zip: mimetype has an extra field')
  const content = new TextDecoder().decode(pkg.bytes.subarray(30 + 8, 30 + 8 + 19))
  if (content !== 'application/hwp+zip') report(`zip: mimetype content at fixed offset is ${JSON.stringify(content)}`)
  const names = pkg.entries.map((entry) => entry.name)
  if (new Set(names).size !== names.length) report('zip: duplicate entry names')
  for (const required of REQUIRED_ENTRIES) {
    if (!names.includes(required)) report(`zip: missing ${required}`)
  }
  for (const entry of pkg.entries) {
    if (entry.name.endsWith('/')) report(`zip: directory entry ${entry.name}`)
    if ((entry.flags & 0x8) !== 0) report(`zip: ${entry.name} uses a data descriptor`)
  }
  const mimetype = pkg.files.get('mimetype')
  if (mimetype !== undefined && new TextDecoder().decode(mimetype) !== 'application/hwp+zip') report('zip: wrong mimetype content')
}

function checkXmlPart (name: string, data: Uint8Array, report: (problem: string) => void): XmlElement | null {
  let xml: string
  try {
    xml = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(data)
  } catch {
    report(`${name}: not valid UTF-8`)
    return null
  }
  if (xml.charCodeAt(0) === 0xFEFF) report(`${name}: starts with a byte-order mark`)
  if (!xml.startsWith(XML_DECLARATION)) report(`${name}: does not start with Hancom's XML declaration`)
  const invalid = INVALID_XML_CHAR.exec(xml)
  if (invalid !== null) report(`${name}: character U+${(invalid[0].codePointAt(0) as number).toString(16)} is not allowed in XML 1.0`)
  const valid = XMLValidator.validate(xml)
  if (valid !== true) {
    report(`${name}: not well-formed: ${valid.err.msg} (line ${valid.err.line})`)
    return null
  }
  return parseXml(xml)
}

/** Defined ids per kind, as found in header.xml. */
export interface HeaderIds {
  readonly charPr: ReadonlySet<string>
  readonly paraPr: ReadonlySet<string>
  readonly style: ReadonlySet<string>
  readonly borderFill: ReadonlySet<string>
  readonly tabPr: ReadonlySet<string>
  readonly numbering: ReadonlySet<string>
  readonly bullet: ReadonlySet<string>
}

const LISTS: Record<string, string> = {
  'hh:fontfaces': 'hh:fontface',
  'hh:borderFills': 'hh:borderFill',
  'hh:charProperties': 'hh:charPr',
  'hh:tabProperties': 'hh:tabPr',
  'hh:numberings': 'hh:numbering',
  'hh:bullets': 'hh:bullet',
  'hh:paraProperties': 'hh:paraPr',
  'hh:styles': 'hh:style'
}

const REFERENCE_KINDS: Record<string, keyof HeaderIds> = {
  charPrIDRef: 'charPr',
  paraPrIDRef: 'paraPr',
  styleIDRef: 'style',
  nextStyleIDRef: 'style',
  borderFillIDRef: 'borderFill',
  tabPrIDRef: 'tabPr',
  outlineShapeIDRef: 'numbering'
}

/** Reference attributes that are 0 when unused, as in Hancom's files. */
const ZERO_WHEN_UNUSED = new Set(['memoShapeIDRef', 'linkListIDRef', 'linkListNextIDRef'])

const NONE_REFERENCE = '4294967295'

function checkHeader (head: XmlElement, report: (problem: string) => void): HeaderIds {
  if (head.name !== 'hh:head') report(`header.xml: root is ${head.name}`)
  if (head.attributes.secCnt !== '1') report(`header.xml: secCnt is ${head.attributes.secCnt}, the package has 1 section`)
  for (const element of descendants(head)) {
    const itemCount = element.attributes.itemCnt
    if (itemCount !== undefined) {
      const expected = LISTS[element.name]
      const children = childElements(element)
      if (String(children.length) !== itemCount) report(`header.xml: ${element.name} itemCnt=${itemCount} but has ${children.length} children`)
      if (expected !== undefined && children.some((child) => child.name !== expected)) report(`header.xml: ${element.name} holds something other than ${expected}`)
    }
    if (element.name === 'hh:fontface') {
      const fonts = childElements(element, 'hh:font')
      if (String(fonts.length) !== element.attributes.fontCnt) report(`header.xml: fontface ${element.attributes.lang} fontCnt=${element.attributes.fontCnt} but has ${fonts.length} fonts`)
      uniqueIds(fonts, `fontface ${element.attributes.lang ?? ''} font`, report)
    }
  }
  const fontfaces = findAll(head, 'hh:fontface')
  const languages = fontfaces.map((face) => face.attributes.lang)
  for (const language of ['HANGUL', 'LATIN', 'HANJA', 'JAPANESE', 'OTHER', 'SYMBOL', 'USER']) {
    if (!languages.includes(language)) report(`header.xml: no fontface for ${language}`)
  }
  const idsOf = (name: string): Set<string> => uniqueIds(findAll(head, name), name, report)
  const ids: HeaderIds = {
    charPr: idsOf('hh:charPr'),
    paraPr: idsOf('hh:paraPr'),
    style: idsOf('hh:style'),
    borderFill: idsOf('hh:borderFill'),
    tabPr: idsOf('hh:tabPr'),
    numbering: idsOf('hh:numbering'),
    bullet: idsOf('hh:bullet')
  }
  for (const kind of ['charPr', 'paraPr', 'style', 'borderFill'] as const) {
    if (ids[kind].size === 0) report(`header.xml: defines no ${kind}`)
  }
  const fontCount = new Map(fontfaces.map((face) => [face.attributes.lang?.toLowerCase(), childElements(face, 'hh:font').length]))
  for (const fontRef of findAll(head, 'hh:fontRef')) {
    for (const [language, value] of Object.entries(fontRef.attributes)) {
      if (!(Number(value) >= 0 && Number(value) < (fontCount.get(language) ?? 0))) report(`header.xml: fontRef ${language}=${value} names no font`)
    }
  }
  for (const heading of findAll(head, 'hh:heading')) {
    const { type, idRef } = heading.attributes
    if (type === 'NUMBER' && !ids.numbering.has(idRef ?? '')) report(`header.xml: heading NUMBER idRef=${idRef} names no numbering`)
    if (type === 'BULLET' && !ids.bullet.has(idRef ?? '')) report(`header.xml: heading BULLET idRef=${idRef} names no bullet`)
  }
  checkReferences('header.xml', head, ids, report)
  return ids
}

function uniqueIds (elements: readonly XmlElement[], what: string, report: (problem: string) => void): Set<string> {
  const ids = new Set<string>()
  for (const element of elements) {
    const id = element.attributes.id
    if (id === undefined) report(`${what} without id`)
    else if (ids.has(id)) report(`duplicate ${what} id ${id}`)
    else ids.add(id)
  }
  return ids
}

function checkReferences (part: string, root: XmlElement, ids: HeaderIds, report: (problem: string) => void): void {
  for (const element of descendants(root)) {
    for (const [attribute, value] of Object.entries(element.attributes)) {
      if (!attribute.endsWith('IDRef')) continue
      const kind = REFERENCE_KINDS[attribute]
      if (kind !== undefined) {
        const allowedNone = attribute === 'charPrIDRef' && element.name === 'hh:paraHead' && value === NONE_REFERENCE
        if (!allowedNone && !ids[kind].has(value)) report(`${part}: ${element.name}@${attribute}=${value} names no ${kind}`)
      } else if (attribute === 'beginIDRef' && element.name === 'hp:fieldEnd') {
        const begins = findAll(root, 'hp:fieldBegin').map((begin) => begin.attributes.id)
        if (!begins.includes(value)) report(`${part}: hp:fieldEnd@beginIDRef=${value} names no hp:fieldBegin`)
      } else if (attribute === 'binaryItemIDRef') {
        if (!/^image\d+$/.test(value)) report(`${part}: ${element.name}@binaryItemIDRef=${value} is not a BinData item id`)
      } else if (ZERO_WHEN_UNUSED.has(attribute)) {
        if (value !== '0') report(`${part}: ${element.name}@${attribute}=${value} but nothing of that kind exists`)
      } else {
        report(`${part}: unchecked reference ${element.name}@${attribute}`)
      }
    }
  }
}

function checkSection (section: XmlElement, ids: HeaderIds, report: (problem: string) => void): void {
  if (section.name !== 'hs:sec') report(`section0.xml: root is ${section.name}`)
  const paragraphs = childElements(section, 'hp:p')
  if (paragraphs.length === 0) report('section0.xml: no paragraph')
  if (section.children.some((child) => typeof child === 'string' ? child.trim() !== '' : child.name !== 'hp:p')) {
    report('section0.xml: hs:sec holds something other than hp:p')
  }
  const firstRun = paragraphs[0] === undefined ? undefined : childElements(paragraphs[0], 'hp:run')[0]
  const firstRunChildren = firstRun === undefined ? [] : childElements(firstRun).map((child) => child.name)
  if (firstRunChildren[0] !== 'hp:secPr' || firstRunChildren[1] !== 'hp:ctrl') report('section0.xml: first run of the first paragraph does not start with hp:secPr, hp:ctrl')
  if (findAll(section, 'hp:secPr').length !== 1) report('section0.xml: not exactly one hp:secPr')
  if (findAll(section, 'hp:colPr').length !== 1) report('section0.xml: not exactly one hp:colPr')
  if (findAll(section, 'hp:pageBorderFill').length !== 3) report('section0.xml: secPr lacks the three page border fills')
  checkReferences('section0.xml', section, ids, report)
  uniqueIds(findAll(section, 'hp:p'), 'hp:p', report)
  uniqueIds(findAll(section, 'hp:tbl'), 'hp:tbl', report)
  const visit = (element: XmlElement, parent: XmlElement | null): void => {
    if (element.name === 'hp:p') {
      for (const attribute of ['id', 'paraPrIDRef', 'styleIDRef']) {
        if (element.attributes[attribute] === undefined) report(`section0.xml: hp:p without ${attribute}`)
      }
      if (childElements(element).some((child) => child.name !== 'hp:run')) report('section0.xml: hp:p holds something other than hp:run')
    }
    if (element.name === 'hp:run' && element.attributes.charPrIDRef === undefined) report('section0.xml: hp:run without charPrIDRef')
    if (element.name === 'hp:t') {
      for (const child of element.children) {
        if (typeof child === 'string' ? /[\r\n]/.test(child) : !['hp:lineBreak', 'hp:tab'].includes(child.name)) {
          report(`section0.xml: hp:t holds ${typeof child === 'string' ? 'a raw line break' : child.name}`)
        }
      }
    }
    if ((element.name === 'hp:lineBreak' || element.name === 'hp:tab') && parent?.name !== 'hp:t') {
      report(`section0.xml: ${element.name} outside hp:t`)
    }
    if (element.name === 'hp:tbl') checkTable(element, report)
    for (const child of childElements(element)) visit(child, element)
  }
  visit(section, null)
}

function checkTable (table: XmlElement, report: (problem: string) => void): void {
  const names = childElements(table).map((child) => child.name)
  if (names.slice(0, 4).join() !== 'hp:sz,hp:pos,hp:outMargin,hp:inMargin') report(`table: children start ${names.slice(0, 4).join()}`)
  const rows = childElements(table, 'hp:tr')
  const rowCount = Number(table.attributes.rowCnt)
  const colCount = Number(table.attributes.colCnt)
  if (rows.length !== rowCount) report(`table: rowCnt=${rowCount} but ${rows.length} hp:tr`)
  const width = Number(childElements(table, 'hp:sz')[0]?.attributes.width)
  const covered = new Set<string>()
  rows.forEach((row, rowIndex) => {
    let rowWidth = 0
    for (const cell of childElements(row, 'hp:tc')) {
      const parts = childElements(cell).map((child) => child.name).join()
      if (parts !== 'hp:subList,hp:cellAddr,hp:cellSpan,hp:cellSz,hp:cellMargin') report(`table: cell children ${parts}`)
      const subList = childElements(cell, 'hp:subList')[0]
      if (subList !== undefined && childElements(subList, 'hp:p').length === 0) report('table: cell without paragraph')
      const address = childElements(cell, 'hp:cellAddr')[0]?.attributes ?? {}
      const span = childElements(cell, 'hp:cellSpan')[0]?.attributes ?? {}
      const column = Number(address.colAddr)
      if (Number(address.rowAddr) !== rowIndex) report(`table: cell in row ${rowIndex} claims row ${address.rowAddr}`)
      for (let r = 0; r < Number(span.rowSpan); r++) {
        for (let c = 0; c < Number(span.colSpan); c++) {
          const slot = `${rowIndex + r},${column + c}`
          if (covered.has(slot)) report(`table: grid slot ${slot} covered twice`)
          if (rowIndex + r >= rowCount || column + c >= colCount) report(`table: cell spills out of the grid at ${slot}`)
          covered.add(slot)
        }
      }
      rowWidth += Number(childElements(cell, 'hp:cellSz')[0]?.attributes.width)
    }
    if (hasNoRowSpans(row) && rowWidth !== width) report(`table: row ${rowIndex} cells are ${rowWidth} wide, the table ${width}`)
  })
  if (covered.size !== rowCount * colCount) report(`table: cells cover ${covered.size} of ${rowCount * colCount} grid slots`)
}

/** A row without row spans lists all its cells, so their widths add up. */
function hasNoRowSpans (row: XmlElement): boolean {
  return childElements(row, 'hp:tc').every((cell) => childElements(cell, 'hp:cellSpan')[0]?.attributes.rowSpan === '1')
}

function checkContentHpf (hpf: XmlElement | undefined, pkg: HwpxPackage, head: XmlElement, report: (problem: string) => void): void {
  if (hpf === undefined) return
  if (hpf.name !== 'opf:package') report(`content.hpf: root is ${hpf.name}`)
  if (hpf.attributes['xmlns:opf'] !== 'http://www.idpf.org/2007/opf/') report('content.hpf: OPF namespace is not Hancom\'s (with trailing slash)')
  const items = findAll(hpf, 'opf:item')
  const itemIds = new Set(items.map((item) => item.attributes.id))
  for (const id of ['header', 'section0', 'settings']) {
    if (!itemIds.has(id)) report(`content.hpf: no manifest item "${id}"`)
  }
  for (const item of items) {
    if (!pkg.files.has(item.attributes.href ?? '')) report(`content.hpf: item ${item.attributes.id} points at missing ${item.attributes.href}`)
  }
  for (const ref of findAll(hpf, 'opf:itemref')) {
    if (!itemIds.has(ref.attributes.idref)) report(`content.hpf: spine names unknown item ${ref.attributes.idref}`)
  }
  const sections = items.filter((item) => /^section\d+$/.test(item.attributes.id ?? ''))
  if (String(sections.length) !== head.attributes.secCnt) report('content.hpf: section items disagree with secCnt')
}

function checkContainer (container: XmlElement | undefined, pkg: HwpxPackage, report: (problem: string) => void): void {
  if (container === undefined) return
  const rootfiles = findAll(container, 'ocf:rootfile')
  if (!rootfiles.some((file) => file.attributes['full-path'] === 'Contents/content.hpf' && file.attributes['media-type'] === 'application/hwpml-package+xml')) {
    report('container.xml: does not name Contents/content.hpf as application/hwpml-package+xml')
  }
  for (const file of rootfiles) {
    if (!pkg.files.has(file.attributes['full-path'] ?? '')) report(`container.xml: names missing ${file.attributes['full-path']}`)
  }
}

function checkPreview (pkg: HwpxPackage, report: (problem: string) => void): void {
  const data = pkg.files.get('Preview/PrvText.txt')
  if (data === undefined) return
  let preview: string
  try {
    preview = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(data)
  } catch {
    report('PrvText.txt: not valid UTF-8')
    return
  }
  if (preview.charCodeAt(0) === 0xFEFF) report('PrvText.txt: starts with a byte-order mark')
  if (/\n/.test(preview.replace(/\r\n/g, ''))) report('PrvText.txt: line ends are not CRLF')
}

// ---------------------------------------------------------------- text

/**
 * The text of section0.xml in document order: paragraphs separated by '\n',
 * hp:lineBreak as '\n', hp:tab as '\t'. Table cells come in reading order
 * because their paragraphs sit inside the anchoring paragraph. Footnote
 * texts follow the body (where GFM shows them); running headers and footers
 * are page furniture, not text of the document, and are left out.
 */
export function sectionText (section: XmlElement): string {
  const out: string[] = []
  const notes: XmlElement[] = []
  const walk = (element: XmlElement): void => {
    for (const child of element.children) {
      if (typeof child === 'string') {
        if (element.name === 'hp:t') out.push(child)
      } else if (child.name === 'hp:lineBreak') {
        out.push('\n')
      } else if (child.name === 'hp:tab') {
        out.push('\t')
      } else if (child.name === 'hp:footNote' || child.name === 'hp:endNote') {
        notes.push(child)
      } else if (child.name !== 'hp:header' && child.name !== 'hp:footer') {
        walk(child)
        if (child.name === 'hp:p') out.push('\n')
      }
    }
  }
  walk(section)
  for (let index = 0; index < notes.length; index++) walk(notes[index] as XmlElement)
  return out.join('')
}

/** Texts of the top-level paragraphs, each with its paraPr and runs. */
export function paragraphs (section: XmlElement): Array<{ text: string, paraPrIDRef: string, styleIDRef: string, runs: Array<{ charPrIDRef: string, text: string }> }> {
  return childElements(section, 'hp:p').map((p) => ({
    text: sectionText({ name: 'wrapper', attributes: {}, children: [p] }).replace(/\n$/, ''),
    paraPrIDRef: p.attributes.paraPrIDRef ?? '',
    styleIDRef: p.attributes.styleIDRef ?? '',
    runs: childElements(p, 'hp:run')
      .filter((run) => childElements(run, 'hp:t').length > 0 && childElements(run, 'hp:tbl').length === 0)
      .map((run) => ({ charPrIDRef: run.attributes.charPrIDRef ?? '', text: sectionText({ name: 'wrapper', attributes: {}, children: childElements(run, 'hp:t') }) }))
  }))
}

export function normalizeWhitespace (value: string): string {
  return value.replace(new RegExp(INVALID_XML_CHAR.source, 'gu'), '').replace(NOT_DRAWN, '').replace(/\s+/gu, ' ').trim()
}

/**
 * ASCII punctuation that CommonMark and GFM can give a meaning to. The
 * converter's parser (marked) and the oracle's (micromark) disagree on a few
 * pathological constructs about whether such a character is syntax or
 * text: a lazy continuation line that starts a table in marked, a fence
 * that a form feed or lone CR ends in one parser and not the other, a
 * `<br>` that is a line break to one and text to the other, a list marker
 * (`2.`, which the converter writes as `2)` when nested), etc.
 * The comparison therefore ignores these characters on both sides; every
 * letter, digit, other punctuation mark and non-ASCII character must still
 * come through, in order.
 */
const MARKDOWN_SYNTAX = /<br\s*\/?>|[\\`*_~#|<>\-+=:.[\]()!^]/gi

/**
 * For the same reason a line may be code (literal) to one parser and text
 * to the other, so character references are compared decoded.
 */
function decodeReferences (value: string): string {
  return value.replace(/&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{0,31}));/g, (reference, decimal?: string, hex?: string, name?: string) => {
    if (name !== undefined) return decodeNamedCharacterReference(name) || reference
    const code = decimal !== undefined ? Number(decimal) : Number.parseInt(hex as string, 16)
    return code === 0 || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF) ? '\uFFFD' : String.fromCodePoint(code)
  })
}

/** What the comparison sees of a piece of text. */
export function comparableText (value: string): string {
  return normalizeWhitespace(normalizeWhitespace(decodeReferences(value)).replace(MARKDOWN_SYNTAX, ' '))
}

/**
 * The words of text a reader of the Markdown sees, in order, from an
 * independent parse (micromark, not the converter's marked): every literal, image alt text and address,
 * link addresses the link text does not already show, footnote labels.
 */
/** Link targets a reader can follow, written as hyperlinks rather than text. */
const FOLLOWABLE = /^(?:https?:\/\/|mailto:|tel:|ftp:\/\/)/i

export function markdownTextPieces (markdown: string): string[] {
  const tree = fromMarkdown(markdown, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] })
  const definitions = new Map<string, string>()
  const notes = new Map<string, Nodes>()
  const referenced: string[] = []
  const collect = (node: Nodes): void => {
    if (node.type === 'definition' && !definitions.has(node.identifier)) definitions.set(node.identifier, node.url)
    if (node.type === 'footnoteDefinition' && !notes.has(node.identifier)) notes.set(node.identifier, node)
    if (node.type === 'footnoteReference' && !referenced.includes(node.identifier)) referenced.push(node.identifier)
    if ('children' in node) for (const child of node.children) collect(child)
  }
  collect(tree)
  const pieces: string[] = []
  const bare = (url: string): string => url.replace(/^[a-z][a-z0-9+.-]*:(?:\/\/)?/i, '')
  const plain = (node: Nodes): string => 'value' in node ? node.value : 'children' in node ? (node.children as Nodes[]).map(plain).join('') : ''
  const visit = (node: Nodes): void => {
    switch (node.type) {
      case 'definition':
        return
      case 'html':
        // Comments vanish and tags are dropped; their text stays.
        pieces.push(node.value.replace(/<!--[\s\S]*?(?:-->|$)/g, ' ').replace(/<[^>]*>/g, ' '))
        return
      case 'image':
      case 'imageReference': {
        // A picture shows its alt text; an address a reader can follow is
        // its link, any other (not a data: URI) stays visible.
        pieces.push(node.alt ?? '')
        const url = node.type === 'image' ? node.url : definitions.get(node.identifier) ?? ''
        if (!FOLLOWABLE.test(url) && !url.startsWith('data:')) pieces.push(url)
        return
      }
      case 'link':
      case 'linkReference': {
        node.children.forEach(visit)
        const url = node.type === 'link' ? node.url : definitions.get(node.identifier) ?? ''
        if (!FOLLOWABLE.test(url) && !normalizeWhitespace(plain(node)).includes(normalizeWhitespace(bare(url)))) pieces.push(url)
        return
      }
      case 'footnoteReference':
        // A real footnote: its number, not its label, marks the text.
        return
      case 'footnoteDefinition':
        // Shown after the body, as GFM shows footnotes (below).
        return
      default:
        if ('value' in node) pieces.push(node.value)
        if ('children' in node) (node.children as Nodes[]).forEach(visit)
    }
  }
  visit(tree)
  // Footnotes follow the body: the referenced ones in order of first
  // reference (their numbers), then any that nothing refers to.
  const order = [...referenced.filter((label) => notes.has(label)), ...[...notes.keys()].filter((label) => !referenced.includes(label))]
  for (const label of order) (notes.get(label) as Nodes & { children: Nodes[] }).children.forEach(visit)
  // Compared word by word: where the parsers disagree on whether something
  // is an image or a link, the converter adds words of its own between the
  // oracle's ("[이미지: alt] (url)").
  return pieces.flatMap((piece) => comparableText(piece).split(' ')).filter((piece) => piece !== '')
}

/** A tree without source positions, for comparing parses. */
export function withoutPositions (tree: unknown): unknown {
  return JSON.parse(JSON.stringify(tree, (key, value: unknown) => key === 'position' ? undefined : value))
}

/** The reference parse: one fromMarkdown call over the whole document. */
export function singleParse (markdown: string): unknown {
  return withoutPositions(fromMarkdown(markdown, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] }))
}

/**
 * The first piece not found anywhere in `documentText`; null if all are.
 * For random hostile Markdown, where the two parsers legitimately disagree
 * on structure (what is a fence, a table, a link) and so on order.
 */
export function firstAbsentPiece (pieces: readonly string[], documentText: string): { piece: string, index: number } | null {
  const haystack = comparableText(documentText)
  for (const [index, piece] of pieces.entries()) {
    if (!haystack.includes(piece)) return { piece, index }
  }
  return null
}

/** The first piece not found, in order, in `documentText`; null if all are. */
export function firstMissingPiece (pieces: readonly string[], documentText: string): { piece: string, index: number } | null {
  const haystack = comparableText(documentText)
  let cursor = 0
  for (const [index, piece] of pieces.entries()) {
    const found = haystack.indexOf(piece, cursor)
    if (found < 0) return { piece, index }
    cursor = found + piece.length
  }
  return null
}

// ---------------------------------------------------------------- snapshots

/**
 * One element per line, indented, with each hp:t kept on its line: a
 * reviewable rendering of the generated XML, which has no whitespace between
 * tags and no '>' inside attribute values or text.
 */
export function prettyXml (xml: string): string {
  const tokens = xml.replace(/^<\?xml[^>]*\?>/, '').split(/(<[^>]+>)/).filter((token) => token !== '')
  const lines: string[] = []
  let depth = 0
  let inline: string | null = null
  for (const token of tokens) {
    if (inline !== null) {
      inline += token
      if (token === '</hp:t>') { lines.push('  '.repeat(depth) + inline); inline = null }
      continue
    }
    if (token === '<hp:t>') { inline = token; continue }
    if (token.startsWith('</')) { depth -= 1; lines.push('  '.repeat(depth) + token); continue }
    lines.push('  '.repeat(depth) + token)
    if (token.startsWith('<') && !token.endsWith('/>')) depth += 1
  }
  return lines.join('\n') + '\n'
}

// ---------------------------------------------------------------- arbitraries

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

/**
 * The marker a reader draws before each top-level paragraph from the
 * format's own list definitions (hh:heading → hh:bullet char, or the
 * hh:numbering's level-1 format with its counter), as Hancom numbers
 * paragraphs: each numbering counts on from its start across the paragraphs
 * that use it. '' for a paragraph without one.
 */
export function drawnMarkers (header: XmlElement, section: XmlElement): string[] {
  const paraPrs = new Map(findAll(header, 'hh:paraPr').map((paraPr) => [paraPr.attributes.id, childElements(paraPr, 'hh:heading')[0]?.attributes ?? {}]))
  const bullets = new Map(findAll(header, 'hh:bullet').map((bullet) => [bullet.attributes.id, bullet.attributes.char ?? '']))
  const numberings = new Map(findAll(header, 'hh:numbering').map((numbering) => {
    const head = childElements(numbering, 'hh:paraHead').find((candidate) => candidate.attributes.level === '1')
    return [numbering.attributes.id, { start: Number(head?.attributes.start ?? 1), format: head === undefined ? '' : sectionText({ name: 'hp:t', attributes: {}, children: head.children }) }]
  }))
  const counters = new Map<string, number>()
  return childElements(section, 'hp:p').map((p) => {
    const heading = paraPrs.get(p.attributes.paraPrIDRef) ?? {}
    if (heading.type === 'BULLET') return bullets.get(heading.idRef) ?? '?'
    if (heading.type !== 'NUMBER') return ''
    const numbering = numberings.get(heading.idRef)
    if (numbering === undefined) return '?'
    const count = (counters.get(heading.idRef ?? '') ?? numbering.start - 1) + 1
    counters.set(heading.idRef ?? '', count)
    return numbering.format.replace('^1', String(count))
  })
}

/** Top-level paragraphs as a reader shows them: drawn marker, a space, the text. */
export function shownParagraphs (header: XmlElement, section: XmlElement): string[] {
  const markers = drawnMarkers(header, section)
  return paragraphs(section).map((paragraph, index) => (markers[index] === '' ? '' : `${markers[index] as string} `) + paragraph.text)
}
