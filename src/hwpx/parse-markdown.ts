import type { Nodes, Root } from 'mdast'
import { fromMarkdown } from 'mdast-util-from-markdown'
import { gfmFromMarkdown } from 'mdast-util-gfm'
import { gfm } from 'micromark-extension-gfm'
import { forEachNode } from './mdast-walk.js'

const PARSE_OPTIONS = { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] }

/** Below this length a chunk is not cut further: every parse has a fixed cost. */
const MIN_CHUNK_LENGTH = 4096

const LINE_END = /\r\n|\r|\n/g
const ATX_HEADING_LINE = /^#{1,6}(?:[ \t]|$)/
const BLANK_LINE = /^[ \t]*$/
// Starts of a paragraph that no block before a blank line can claim: not a
// list marker (which would continue a loose list), not indented, not a
// block quote, fence, table, HTML or definition.
const PARAGRAPH_LINE = /^(?:\p{L}|\*\*[^\s*]|\d+[^\d.)\s])/u

/**
 * CommonMark + GFM syntax tree of `markdown`, equal (positions aside) to a
 * single `fromMarkdown` call.
 *
 * micromark re-copies its whole event list every time a container (list
 * item, block quote) closes, so one parse of a long report is quadratic:
 * 300 KB takes seconds. The document is therefore parsed in chunks of at
 * least `minChunkLength` characters, cut before a line that ends every open
 * block: an ATX heading at column 0 (it interrupts paragraphs, is never lazy
 * continuation and is not indented enough for any container) or, after a
 * blank line, an unindented paragraph. The exception is a fenced code block
 * or HTML block still open at the cut, whose content the line may be; a
 * chunk ending in one is merged with what follows. Link and footnote
 * definitions apply document-wide, so a chunk that may refer to definitions
 * living in other chunks is re-parsed with stub definitions of those labels
 * (only their existence matters to the parser).
 */
export function parseMarkdown (markdown: string, minChunkLength = MIN_CHUNK_LENGTH): Root {
  const chunks = parseChunks(markdown, chunkStarts(markdown, minChunkLength))
  if (chunks.length > 1) resolveForeignDefinitions(chunks)
  return { type: 'root', children: chunks.flatMap((chunk) => chunk.tree.children) }
}

interface Chunk {
  readonly text: string
  tree: Root
  readonly labels: DefinitionLabels
}

interface DefinitionLabels {
  /** identifier → label as written, for link reference definitions */
  readonly links: Map<string, string>
  /** identifier → label as written, for footnote definitions */
  readonly footnotes: Map<string, string>
}

function parse (text: string): Root {
  return fromMarkdown(text, PARSE_OPTIONS)
}

function chunkStarts (markdown: string, minChunkLength: number): number[] {
  const starts = [0]
  let lineStart = 0
  let previousBlank = false
  const consider = (lineEnd: number): void => {
    const line = markdown.slice(lineStart, lineEnd)
    const safe = ATX_HEADING_LINE.test(line) || (previousBlank && PARAGRAPH_LINE.test(line))
    if (safe && lineStart - (starts.at(-1) as number) >= Math.max(minChunkLength, 1)) starts.push(lineStart)
    previousBlank = BLANK_LINE.test(line)
  }
  for (const match of markdown.matchAll(LINE_END)) {
    consider(match.index)
    lineStart = match.index + match[0].length
  }
  consider(markdown.length)
  return starts
}

function parseChunks (markdown: string, starts: readonly number[]): Chunk[] {
  const chunks: Chunk[] = []
  let first = 0
  while (first < starts.length) {
    // Doubling the span on every retry keeps an unterminated fence or HTML
    // block linear instead of re-parsing one more segment at a time.
    for (let span = 1; ; span *= 2) {
      const end = Math.min(first + span, starts.length)
      const text = markdown.slice(starts[first], starts[end] ?? markdown.length)
      const tree = parse(text)
      if (end === starts.length || !endsInOpenBlock(tree, text)) {
        chunks.push({ text, tree, labels: collectDefinitionLabels(tree) })
        first = end
        break
      }
    }
  }
  return chunks
}

function endsInOpenBlock (tree: Root, text: string): boolean {
  // The innermost last block: inside a container, the cut also decides where
  // trailing blank lines belong (the end of input leaves them in an open
  // fence, the line that closes the container does not), so nested open
  // blocks count too.
  let last: Nodes | undefined = tree.children.at(-1)
  while (last !== undefined && CONTAINERS.has(last.type) && 'children' in last) last = last.children.at(-1)
  if (last === undefined) return false
  if (last.type === 'html') return true
  // Positions count from after a leading byte-order mark, which the parser drops.
  return last.type === 'code' && isUnclosedFence(last, text.charCodeAt(0) === 0xFEFF ? text.slice(1) : text)
}

const CONTAINERS = new Set(['list', 'listItem', 'blockquote', 'footnoteDefinition'])

function isUnclosedFence (node: Nodes, text: string): boolean {
  const source = text.slice(node.position?.start.offset ?? 0, node.position?.end.offset ?? text.length)
  const lines = source.split(/\r\n|\r|\n/)
  const opening = /^ {0,3}(`{3,}|~{3,})/.exec(lines[0] ?? '')
  if (opening === null) return false // indented code ends at any unindented line
  // Inside a container the lines carry its prefixes, so a closing fence may
  // go unrecognised: the chunk is then merged with the next, which is safe.
  const fence = opening[1] as string
  const closing = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}[ \\t]*$`)
  return lines.length < 2 || !closing.test(lines.at(-1) as string)
}

function collectDefinitionLabels (tree: Root): DefinitionLabels {
  const labels: DefinitionLabels = { links: new Map(), footnotes: new Map() }
  forEachNode(tree, (node) => {
    if (node.type === 'definition') labels.links.set(node.identifier, node.label ?? node.identifier)
    if (node.type === 'footnoteDefinition') labels.footnotes.set(node.identifier, node.label ?? node.identifier)
  })
  return labels
}

function resolveForeignDefinitions (chunks: readonly Chunk[]): void {
  chunks.forEach((chunk, index) => {
    if (!chunk.text.includes('[')) return
    const stubs = new Map<string, string>()
    for (const other of chunks) {
      if (other === chunk) continue
      for (const [identifier, label] of other.labels.links) {
        if (!chunk.labels.links.has(identifier)) stubs.set(`link:${identifier}`, `[${label}]: #\n\n`)
      }
      for (const [identifier, label] of other.labels.footnotes) {
        if (!chunk.labels.footnotes.has(identifier)) stubs.set(`footnote:${identifier}`, `[^${label}]: #\n\n`)
      }
    }
    if (stubs.size === 0) return
    const prelude = [...stubs.values()].join('')
    // Later chunks start with a line that closes the stubs' containers; the
    // first chunk is followed by such a line, so it cannot end open.
    if (index === 0) {
      const tree = parse(`${chunk.text}\n\n${prelude}`)
      tree.children = tree.children.filter((node) => (node.position?.start.offset ?? 0) < chunk.text.length)
      chunk.tree = tree
    } else {
      const tree = parse(prelude + chunk.text)
      tree.children = tree.children.filter((node) => (node.position?.start.offset ?? 0) >= prelude.length)
      chunk.tree = tree
    }
  })
}
