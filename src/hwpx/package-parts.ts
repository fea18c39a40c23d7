import { ROOT_NAMESPACE_ATTRIBUTES, XML_DECLARATION } from './namespaces.js'
import { escapeXmlText } from './xml-text.js'

// The small package parts, written as Hancom 13 writes them.

export const HWPX_MIME_TYPE = 'application/hwp+zip'

export const PART = {
  mimetype: 'mimetype',
  version: 'version.xml',
  header: 'Contents/header.xml',
  section: 'Contents/section0.xml',
  previewText: 'Preview/PrvText.txt',
  settings: 'settings.xml',
  containerRdf: 'META-INF/container.rdf',
  contentHpf: 'Contents/content.hpf',
  container: 'META-INF/container.xml',
  manifest: 'META-INF/manifest.xml'
} as const

// Hancom's typo "tagetApplication" is what its readers look for.
export const VERSION_XML = XML_DECLARATION +
  '<hv:HCFVersion xmlns:hv="http://www.hancom.co.kr/hwpml/2011/version" tagetApplication="WORDPROCESSOR" major="5" minor="1" micro="1" buildNumber="0" os="1" xmlVersion="1.5" application="Hancom Office Hangul" appVersion="13, 0, 0, 1408 WIN32LEWindows_10"/>'

// Hancom's own object model reads nothing else (no header, no sections) when
// the package lacks this part.
export const SETTINGS_XML = XML_DECLARATION +
  '<ha:HWPApplicationSetting xmlns:ha="http://www.hancom.co.kr/hwpml/2011/app" xmlns:config="urn:oasis:names:tc:opendocument:xmlns:config:1.0"><ha:CaretPosition listIDRef="0" paraIDRef="0" pos="0"/></ha:HWPApplicationSetting>'

export const CONTAINER_XML = XML_DECLARATION +
  '<ocf:container xmlns:ocf="urn:oasis:names:tc:opendocument:xmlns:container" xmlns:hpf="http://www.hancom.co.kr/schema/2011/hpf"><ocf:rootfiles>' +
  `<ocf:rootfile full-path="${PART.contentHpf}" media-type="application/hwpml-package+xml"/>` +
  `<ocf:rootfile full-path="${PART.previewText}" media-type="text/plain"/>` +
  `<ocf:rootfile full-path="${PART.containerRdf}" media-type="application/rdf+xml"/>` +
  '</ocf:rootfiles></ocf:container>'

/** Hancom writes an empty ODF manifest; it only ever lists encryption data. */
export const MANIFEST_XML = XML_DECLARATION +
  '<odf:manifest xmlns:odf="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>'

const PKG = 'http://www.hancom.co.kr/hwpml/2016/meta/pkg#'

const rdfPart = (path: string, type: string): string =>
  `<rdf:Description rdf:about=""><ns0:hasPart xmlns:ns0="${PKG}" rdf:resource="${path}"/></rdf:Description>` +
  `<rdf:Description rdf:about="${path}"><rdf:type rdf:resource="${PKG}${type}"/></rdf:Description>`

export const CONTAINER_RDF = XML_DECLARATION +
  '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
  rdfPart(PART.header, 'HeaderFile') +
  rdfPart(PART.section, 'SectionFile') +
  `<rdf:Description rdf:about=""><rdf:type rdf:resource="${PKG}Document"/></rdf:Description>` +
  '</rdf:RDF>'

export interface DocumentMetadata {
  readonly title: string
  readonly author: string
  readonly subject: string
  readonly date: Date | null
  /** Pictures under BinData/, by the id the section's hc:img refers to. */
  readonly binaryItems: ReadonlyArray<{ readonly id: string, readonly path: string, readonly mediaType: string }>
}

/**
 * Contents/content.hpf. Hancom's object model finds the parts by these exact
 * manifest ids ("header", "section0", "settings"); hrefs are relative to the
 * package root.
 */
export function buildContentHpf (metadata: DocumentMetadata): string {
  const meta = (name: string, value: string): string => value === ''
    ? `<opf:meta name="${name}" content="text"/>`
    : `<opf:meta name="${name}" content="text">${escapeXmlText(value)}</opf:meta>`
  const title = escapeXmlText(metadata.title)
  const timestamp = metadata.date === null ? '' : metadata.date.toISOString().replace(/\.\d{3}Z$/, 'Z')
  return XML_DECLARATION +
    `<opf:package ${ROOT_NAMESPACE_ATTRIBUTES} version="" unique-identifier="" id="">` +
    '<opf:metadata>' +
    (title === '' ? '<opf:title/>' : `<opf:title>${title}</opf:title>`) +
    '<opf:language>ko</opf:language>' +
    meta('creator', metadata.author) +
    meta('subject', metadata.subject) +
    meta('description', '') +
    meta('lastsaveby', metadata.author) +
    meta('CreatedDate', timestamp) +
    meta('ModifiedDate', timestamp) +
    meta('date', metadata.date === null ? '' : koreanDate(metadata.date)) +
    meta('keyword', '') +
    '</opf:metadata>' +
    '<opf:manifest>' +
    `<opf:item id="header" href="${PART.header}" media-type="application/xml"/>` +
    `<opf:item id="section0" href="${PART.section}" media-type="application/xml"/>` +
    metadata.binaryItems.map((item) => `<opf:item id="${item.id}" href="${item.path}" media-type="${item.mediaType}" isEmbeded="1"/>`).join('') +
    `<opf:item id="settings" href="${PART.settings}" media-type="application/xml"/>` +
    '</opf:manifest>' +
    '<opf:spine><opf:itemref idref="header" linear="yes"/><opf:itemref idref="section0" linear="yes"/></opf:spine>' +
    '</opf:package>'
}

const WEEKDAYS = ['일', '월', '화', '수', '목', '금', '토']
const KST_OFFSET_MS = 9 * 60 * 60 * 1000

/**
 * Hancom's human-readable date ("2025년 9월 17일 수요일 오후 1:32:50"), in
 * Korean Standard Time whatever the server's zone, so output stays the same
 * everywhere for the same date.
 */
function koreanDate (date: Date): string {
  const kst = new Date(date.getTime() + KST_OFFSET_MS)
  const hours = kst.getUTCHours()
  const twelveHour = hours % 12 === 0 ? 12 : hours % 12
  const pad = (value: number): string => String(value).padStart(2, '0')
  return `${kst.getUTCFullYear()}년 ${kst.getUTCMonth() + 1}월 ${kst.getUTCDate()}일 ${WEEKDAYS[kst.getUTCDay()] as string}요일 ` +
    `${hours < 12 ? '오전' : '오후'} ${twelveHour}:${pad(kst.getUTCMinutes())}:${pad(kst.getUTCSeconds())}`
}
