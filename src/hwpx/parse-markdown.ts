import type { Nodes, Root } from 'mdast'
import { fromMarkdown } from 'mdast-util-from-markdown'
import { gfmFromMarkdown } from 'mdast-util-gfm'
import { gfm } from 'micromark-extension-gfm'

const PARSE_OPTIONS = { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] }

// A line opening an ATX heading at column 0.
const TOP_LEVEL_HEADING = /(?<=^|[\r\n])#{1,6}(?=[ \t\r\n]|$)/g

/**
 * CommonMark + GFM syntax tree of `markdown`, equal (positions aside) to a
 * single `fromMarkdown` call.
 *
 * micromark re-copies its whole event list every time a container (list
 * item, block quote) closes, so one parse of a long report is quadratic:
 * 300 KB takes seconds. The document is therefore parsed in chunks cut just
 * before top-level ATX headings. Such a line ends every open block — it
 * interrupts paragraphs, is never lazy continuation, is not indented enough
 * for any container — except a top-level fenced code block or HTML block
 * still open at the cut; a chunk ending in one is merged with what follows.
 * Link and footnote definitions apply document-wide, so a chunk that may
 * refer to definitions living in other chunks is re-parsed with stub
 * definitions of those labels (only their existence matters to the parser).
 */
export function parseMarkdown (markdown: string): Root {
  const chunks = parseChunks(markdown)
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

function parseChunks (markdown: string): Chunk[] {
  const cuts = [...markdown.matchAll(TOP_LEVEL_HEADING)]
    .map((match) => match.index)
    .filter((offset) => offset > 0)
  const starts = [0, ...cuts]
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
  // trailing blank lines belong (end of input keeps them in an open fence,
  // a closing heading does not), so nested open blocks count too.
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
  const visit = (node: Nodes): void => {
    if (node.type === 'definition') labels.links.set(node.identifier, node.label ?? node.identifier)
    if (node.type === 'footnoteDefinition') labels.footnotes.set(node.identifier, node.label ?? node.identifier)
    if ('children' in node) for (const child of node.children) visit(child)
  }
  visit(tree)
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
    // Later chunks start with a heading, which closes the stubs' containers;
    // the first chunk is followed by a heading, so it cannot end open.
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
