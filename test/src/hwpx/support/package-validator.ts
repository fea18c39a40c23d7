// The invariants Hancom relies on, checked on a whole package. The checks
// return human-readable violations (empty = valid) so that tests can assert
// on them and also prove they catch broken packages.
import { XMLValidator } from 'fast-xml-parser'
import type { HwpxPackage } from './zip.js'
import { childElements, descendants, findAll, INVALID_XML_CHAR, parseXml, type XmlElement } from './xml.js'

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
  const fieldBegins = new Set(findAll(root, 'hp:fieldBegin').map((begin) => begin.attributes.id))
  for (const element of descendants(root)) {
    for (const [attribute, value] of Object.entries(element.attributes)) {
      if (!attribute.endsWith('IDRef')) continue
      const kind = REFERENCE_KINDS[attribute]
      if (kind !== undefined) {
        const allowedNone = attribute === 'charPrIDRef' && element.name === 'hh:paraHead' && value === NONE_REFERENCE
        if (!allowedNone && !ids[kind].has(value)) report(`${part}: ${element.name}@${attribute}=${value} names no ${kind}`)
      } else if (attribute === 'beginIDRef' && element.name === 'hp:fieldEnd') {
        if (!fieldBegins.has(value)) report(`${part}: hp:fieldEnd@beginIDRef=${value} names no hp:fieldBegin`)
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
