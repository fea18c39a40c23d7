import type { List, ListItem, Nodes, PhrasingContent, Root, RootContent, Table } from 'mdast'
import type { Block, CellAlign, Marks, ParagraphBlock, Run } from './document-model.js'
import { NO_MARKS } from './document-model.js'
import { forEachNode } from './mdast-walk.js'

const BULLETS = ['•', '○', '-']
const ORDERED_FORMATS: ReadonlyArray<(n: number) => string> = [(n) => `${n}.`, (n) => `${n})`, (n) => `(${n})`]
const TASK_BOX = { open: '☐', done: '☑' }
const TAB_WIDTH = 4
const LINE_ENDING = /\r\n|\r|\n/g
const BREAK_TAG = /^<br\s*\/?>$/i

interface Context {
  /** Indent steps from block quotes and enclosing list items. */
  readonly indent: number
  readonly quoted: boolean
  /** How many lists enclose the current one; picks the marker shape. */
  readonly listDepth: number
}

/**
 * Flattens the Markdown tree into the blocks HWPX paragraphs are made of.
 * Every piece of text survives: constructs without an HWPX counterpart
 * become their text (links keep their URL in brackets, images their alt
 * text and address, raw HTML its source).
 */
export function mdastToBlocks (root: Root): Block[] {
  const mapper = new BlockMapper(collectLinkDefinitions(root))
  mapper.flow(root.children, { indent: 0, quoted: false, listDepth: 0 })
  mapper.finish()
  return mapper.blocks
}

/** identifier → URL; the first definition of a label wins, as in CommonMark. */
function collectLinkDefinitions (root: Root): Map<string, string> {
  const urls = new Map<string, string>()
  forEachNode(root, (node) => {
    if (node.type === 'definition' && !urls.has(node.identifier)) urls.set(node.identifier, node.url)
  })
  return urls
}

// Both walks below keep their own stack of pending work instead of
// recursing, for the reason given at forEachNode: a line of 5000 '>' is
// 5000 nested block quotes.

class BlockMapper {
  readonly blocks: Block[] = []
  /** Work still to do, next task last. */
  private readonly pending: Array<() => void> = []

  constructor (private readonly definitions: ReadonlyMap<string, string>) {}

  /** Maps `nodes` before anything already pending. */
  flow (nodes: readonly RootContent[], context: Context): void {
    for (let index = nodes.length - 1; index >= 0; index--) {
      const node = nodes[index] as RootContent
      this.pending.push(() => { this.flowNode(node, context) })
    }
  }

  finish (): void {
    for (let task = this.pending.pop(); task !== undefined; task = this.pending.pop()) task()
  }

  private flowNode (node: RootContent, context: Context): void {
    switch (node.type) {
      case 'heading':
        this.blocks.push(node.depth === 1
          ? paragraph('title', context, null, this.runs(node.children))
          : { ...paragraph('heading', context, null, this.runs(node.children)), headingLevel: node.depth - 1 })
        return
      case 'paragraph':
        this.blocks.push(paragraph('body', context, null, this.runs(node.children)))
        return
      case 'blockquote':
        this.flow(node.children, { ...context, indent: context.indent + 1, quoted: true })
        return
      case 'list':
        this.list(node, context)
        return
      case 'footnoteDefinition':
        this.item(`[${node.label ?? node.identifier}]`, node.children, context)
        return
      case 'table':
        this.blocks.push(this.table(node))
        return
      case 'code':
        this.blocks.push({ type: 'code', lines: node.value.split(LINE_ENDING).map(expandTabs) })
        return
      case 'html':
        this.blocks.push(paragraph('body', context, null, [{ text: node.value.replace(LINE_ENDING, '\n'), marks: NO_MARKS }]))
        return
      case 'thematicBreak':
        this.blocks.push({ type: 'rule', indent: context.indent })
        return
      case 'definition':
        return // shown where it is referenced
      default:
        this.blocks.push(paragraph('body', context, null, [{ text: plainText(node), marks: NO_MARKS }]))
    }
  }

  private list (list: List, context: Context): void {
    const start = list.start ?? 1
    const depth = context.listDepth
    const inner = { ...context, listDepth: depth + 1 }
    for (let index = list.children.length - 1; index >= 0; index--) {
      const item = list.children[index] as ListItem
      const numberOrBullet = list.ordered
        ? (ORDERED_FORMATS[depth % ORDERED_FORMATS.length] as (n: number) => string)(start + index)
        : BULLETS[depth % BULLETS.length] as string
      const box = item.checked === true ? TASK_BOX.done : TASK_BOX.open
      const marker = item.checked === null || item.checked === undefined
        ? numberOrBullet
        : list.ordered ? `${numberOrBullet} ${box}` : box
      this.pending.push(() => { this.item(marker, item.children, inner) })
    }
  }

  /** A list item or footnote: the marker hangs before its first paragraph. */
  private item (marker: string, children: readonly RootContent[], outer: Context): void {
    const inner = { ...outer, indent: outer.indent + 1 }
    const [first, ...rest] = children
    if (first?.type === 'paragraph') {
      this.blocks.push(paragraph('body', inner, marker, this.runs(first.children)))
      this.flow(rest, inner)
    } else {
      this.blocks.push(paragraph('body', inner, marker, []))
      this.flow(children, inner)
    }
  }

  private table (table: Table): Block {
    const columns = Math.max(table.align?.length ?? 0, ...table.children.map((row) => row.children.length))
    const align: CellAlign[] = Array.from({ length: columns }, (_, index) => table.align?.[index] ?? null)
    const rows = table.children.map((row) =>
      Array.from({ length: columns }, (_, index) => this.runs(row.children[index]?.children ?? [])))
    return { type: 'table', align, rows }
  }

  private runs (nodes: readonly PhrasingContent[]): Run[] {
    const runs: Run[] = []
    const push = (text: string, marks: Marks): void => {
      if (text !== '') runs.push({ text, marks })
    }
    // Inline nodes still to map, next last; a string is literal text.
    const pending: Array<{ readonly node: PhrasingContent | string, readonly marks: Marks }> = []
    const schedule = (children: readonly PhrasingContent[], marks: Marks): void => {
      for (let index = children.length - 1; index >= 0; index--) pending.push({ node: children[index] as PhrasingContent, marks })
    }
    schedule(nodes, NO_MARKS)
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      const { node, marks } = next
      if (typeof node === 'string') {
        push(node, marks)
        continue
      }
      switch (node.type) {
        case 'text':
          push(softBreaksToSpaces(node.value), marks)
          break
        case 'strong':
          schedule(node.children, { ...marks, bold: true })
          break
        case 'emphasis':
          schedule(node.children, { ...marks, italic: true })
          break
        case 'delete':
          schedule(node.children, { ...marks, strike: true })
          break
        case 'inlineCode':
          push(softBreaksToSpaces(node.value), { ...marks, code: true })
          break
        case 'break':
          push('\n', marks)
          break
        case 'link':
          pending.push({ node: urlSuffix(node.url, plainText(node)), marks })
          schedule(node.children, marks)
          break
        case 'linkReference':
          pending.push({ node: urlSuffix(this.definitions.get(node.identifier) ?? '', plainText(node)), marks })
          schedule(node.children, marks)
          break
        case 'image':
          push(imageText(node.alt, node.url), marks)
          break
        case 'imageReference':
          push(imageText(node.alt, this.definitions.get(node.identifier) ?? ''), marks)
          break
        case 'footnoteReference':
          push(`[${node.label ?? node.identifier}]`, marks)
          break
        case 'html':
          push(BREAK_TAG.test(node.value) ? '\n' : softBreaksToSpaces(node.value), marks)
          break
        default:
          push(softBreaksToSpaces(plainText(node)), marks)
      }
    }
    return runs
  }
}

function paragraph (role: ParagraphBlock['role'], context: Context, marker: string | null, runs: Run[]): ParagraphBlock {
  return {
    type: 'paragraph',
    role,
    headingLevel: 0,
    indent: role === 'body' ? context.indent : 0,
    marker,
    quoted: context.quoted && role === 'body',
    runs
  }
}

function softBreaksToSpaces (text: string): string {
  return text.replace(LINE_ENDING, ' ')
}

function expandTabs (line: string): string {
  if (!line.includes('\t')) return line
  let column = 0
  let expanded = ''
  for (const char of line) {
    if (char === '\t') {
      const width = TAB_WIDTH - (column % TAB_WIDTH)
      expanded += ' '.repeat(width)
      column += width
    } else {
      expanded += char
      column += 1
    }
  }
  return expanded
}

/** " (url)" unless the link text already shows the address (autolinks). */
function urlSuffix (url: string, text: string): string {
  const bare = (value: string): string => value.replace(/^(?:[a-z][a-z0-9+.-]*:(?:\/\/)?)/i, '')
  if (url === '' || url === text || bare(url) === bare(text)) return ''
  return ` (${url})`
}

function imageText (alt: string | null | undefined, url: string): string {
  const label = alt === null || alt === undefined || alt === '' ? '[이미지]' : `[이미지: ${softBreaksToSpaces(alt)}]`
  return url === '' ? label : `${label} (${url})`
}

function plainText (node: Nodes): string {
  let text = ''
  forEachNode(node, (descendant) => {
    if ('value' in descendant) text += descendant.value
  })
  return text
}
