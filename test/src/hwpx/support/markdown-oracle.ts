// The independent side of the text comparisons: what a reader of the
// Markdown sees, from micromark (not the converter's marked), and the
// normalisation both sides go through before they are compared.
import { decodeNamedCharacterReference } from 'decode-named-character-reference'
import type { Nodes } from 'mdast'
import { fromMarkdown } from 'mdast-util-from-markdown'
import { gfmFromMarkdown } from 'mdast-util-gfm'
import { gfm } from 'micromark-extension-gfm'
import { INVALID_XML_CHAR } from './xml.js'

/** DEL and C1 controls: valid XML, but nothing a reader draws, so the converter drops them. */
const NOT_DRAWN = /[\u007F-\u009F]/g

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
