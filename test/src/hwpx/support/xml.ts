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

/**
 * The most recent parses, by text: a test that validates a package and then
 * reads its section parses that part once, not twice. Trees are never
 * modified, so sharing one is safe.
 */
const recentParses: Array<{ xml: string, root: XmlElement }> = []
const RECENT_PARSES = 12

/** The document element of `xml`. */
export function parseXml (xml: string): XmlElement {
  const recent = recentParses.find((entry) => entry.xml === xml)
  if (recent !== undefined) return recent.root
  const nodes = toNodes(parser.parse(xml) as OrderedNode[])
  const root = nodes.find((node): node is XmlElement => typeof node !== 'string')
  if (root === undefined) throw new Error('no document element')
  recentParses.unshift({ xml, root })
  recentParses.length = Math.min(recentParses.length, RECENT_PARSES)
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

/**
 * Every element under `element` (itself included), in document order.
 * Walked with an explicit stack: a recursive generator passes each element
 * up through one frame per level, which on a large section costs more than
 * the checks that use it.
 */
export function descendants (element: XmlElement): XmlElement[] {
  const found: XmlElement[] = []
  const stack: XmlElement[] = [element]
  while (stack.length > 0) {
    const next = stack.pop() as XmlElement
    found.push(next)
    for (let index = next.children.length - 1; index >= 0; index--) {
      const child = next.children[index] as XmlNode
      if (typeof child !== 'string') stack.push(child)
    }
  }
  return found
}

/** Elements by name under each root searched, indexed in one walk; trees are never modified. */
const elementIndexes = new WeakMap<XmlElement, Map<string, XmlElement[]>>()

export function findAll (root: XmlElement, name: string): XmlElement[] {
  let index = elementIndexes.get(root)
  if (index === undefined) {
    index = new Map()
    for (const element of descendants(root)) {
      const named = index.get(element.name)
      if (named === undefined) index.set(element.name, [element])
      else named.push(element)
    }
    elementIndexes.set(root, index)
  }
  return [...(index.get(name) ?? [])]
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
