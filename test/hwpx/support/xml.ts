// XML parts as trees (fast-xml-parser, order kept) and as reviewable text.
import { XMLParser } from 'fast-xml-parser'

export interface XmlElement {
  readonly name: string
  readonly attributes: Readonly<Record<string, string>>
  readonly children: readonly XmlNode[]
}
export type XmlNode = XmlElement | string

/** A character outside the XML 1.0 `Char` production. */
export const INVALID_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u

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
