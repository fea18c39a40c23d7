import { decodeNamedCharacterReference } from 'decode-named-character-reference'
import { decodeImageDataUri } from './data-uri-image.js'
import type { Block, CellAlign, ListItem, Marks, ParagraphBlock, Run } from './document-model.js'
import { NO_MARKS, textRun } from './document-model.js'
import type { Token, Tokens } from './parse-markdown.js'

const BULLETS = ['•', '○', '-']
const ORDERED_FORMATS: ReadonlyArray<(n: number) => string> = [(n) => `${n}.`, (n) => `${n})`, (n) => `(${n})`]
const TASK_BOX = { open: '☐', done: '☑' }
const TAB_WIDTH = 4
const LINE_ENDING = /\r\n|\r|\n/g
/** A soft line break with the spaces CommonMark strips around it. */
const SOFT_BREAK = /[ \t]*(?:\r\n|\r|\n)[ \t]*/g
const BREAK_TAG = /^<br\s*\/?>$/i
const CHARACTER_REFERENCE = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{0,31}));/g
const HTML_COMMENT = /<!--[\s\S]*?(?:-->|$)/g
/** Tags after which HTML starts a new line. */
const HTML_LINE_BREAK = /<(?:br\s*\/?|\/(?:p|div|li|tr|h[1-6]|blockquote|pre|table|ul|ol|dt|dd))\s*>/gi
const HTML_TAG = /<\/?[A-Za-z][^>]*>|<![^>]*>|<\?[\s\S]*?\?>/g
/** Schemes a reader can follow; anything else (javascript:, relative paths) stays text. */
const LINKABLE = /^(?:https?:\/\/|mailto:|tel:|ftp:\/\/)/i

/** The marker a list item shows, as text: for previews, widths and plain-text readers. */
export function listMarker (item: ListItem): string {
  const numberOrBullet = item.ordered
    ? (ORDERED_FORMATS[item.depth % ORDERED_FORMATS.length] as (n: number) => string)(item.number)
    : BULLETS[item.depth % BULLETS.length] as string
  if (item.checked === null) return numberOrBullet
  const box = item.checked ? TASK_BOX.done : TASK_BOX.open
  return item.ordered ? `${numberOrBullet} ${box}` : box
}

export const ORDERED_FORMAT_COUNT = ORDERED_FORMATS.length
export const BULLET_CHARS = BULLETS
export const TASK_BOXES = TASK_BOX

interface Context {
  /** Indent steps from block quotes and enclosing list items. */
  readonly indent: number
  readonly quoted: boolean
  /** How many lists enclose the current one; picks the marker shape. */
  readonly listDepth: number
}

const TOP: Context = { indent: 0, quoted: false, listDepth: 0 }

/**
 * Flattens marked's block tokens into the blocks documents are made of.
 * Every piece of text survives: footnotes become notes where they are
 * referenced, links keep their target, images given as data: URIs are
 * embedded and others keep their alt text (linked to their address), raw
 * HTML gives its text, anything unknown its source.
 */
export function tokensToBlocks (tokens: readonly Token[]): Block[] {
  const notes = new Footnotes()
  notes.collect(tokens)
  const mapper = new BlockMapper(notes, false)
  mapper.flow(tokens, TOP)
  mapper.finish()
  // A definition nothing refers to still shows its text, at the end.
  for (const definition of notes.unreferenced()) {
    const inner = new BlockMapper(notes, true)
    inner.flow(definition, TOP)
    inner.finish()
    mapper.blocks.push(...inner.blocks)
  }
  return mapper.blocks
}

/** Input the parser could not take (nesting too deep), kept as plain lines. */
export function linesToBlocks (markdown: string): Block[] {
  return markdown.split(LINE_ENDING).map((line) => paragraph('body', TOP, null, null, [textRun(line)]))
}

const normalizeLabel = (label: string): string => label.toLowerCase().toUpperCase()

/** Footnote definitions by label, and which of them the text refers to. */
class Footnotes {
  private readonly definitions = new Map<string, Token[]>()
  private readonly referenced = new Set<string>()
  private count = 0

  /** Finds every definition, wherever it stands (lists and quotes too). */
  collect (tokens: readonly Token[]): void {
    // In document order (the first definition of a label wins), next last.
    const stack: Token[] = [...tokens].reverse()
    for (let token = stack.pop(); token !== undefined; token = stack.pop()) {
      if (token.type === 'footnote') {
        const label = normalizeLabel(token.label as string)
        if (!this.definitions.has(label)) this.definitions.set(label, token.tokens ?? [])
      } else if (token.type === 'list') {
        const items = (token as Tokens.List).items
        for (let index = items.length - 1; index >= 0; index--) stack.push(...[...(items[index] as Tokens.ListItem).tokens].reverse())
      } else if (token.type === 'blockquote') {
        stack.push(...[...(token as Tokens.Blockquote).tokens].reverse())
      }
    }
  }

  /** The note for a reference, numbered in reference order; null when undefined. */
  note (label: string): Run | null {
    const key = normalizeLabel(label)
    const definition = this.definitions.get(key)
    if (definition === undefined) return null
    this.referenced.add(key)
    const mapper = new BlockMapper(this, true)
    mapper.flow(definition, TOP)
    mapper.finish()
    return { type: 'note', number: ++this.count, blocks: mapper.blocks }
  }

  unreferenced (): Token[][] {
    return [...this.definitions].filter(([label]) => !this.referenced.has(label)).map(([, tokens]) => tokens)
  }
}

// Both walks below keep their own stack of pending work instead of
// recursing: a line of 5000 '>' is 5000 nested block quotes.

class BlockMapper {
  readonly blocks: Block[] = []
  /** Work still to do, next task last. */
  private readonly pending: Array<() => void> = []
  private nextListId = 0

  /** @param inNote mapping a footnote's text, where references stay text (no notes in notes) */
  constructor (private readonly notes: Footnotes, private readonly inNote: boolean) {}

  /** Maps `tokens` before anything already pending. */
  flow (tokens: readonly Token[], context: Context): void {
    for (let index = tokens.length - 1; index >= 0; index--) {
      const token = tokens[index] as Token
      if (token.type === 'space' || token.type === 'def' || token.type === 'checkbox' || token.type === 'footnote') continue
      this.pending.push(() => { this.flowToken(token, context) })
    }
  }

  finish (): void {
    for (let task = this.pending.pop(); task !== undefined; task = this.pending.pop()) task()
  }

  private runs (tokens: readonly Token[]): Run[] {
    return runs(tokens, this.inNote ? null : this.notes)
  }

  private flowToken (token: Token, context: Context): void {
    switch (token.type) {
      case 'heading': {
        const { depth, tokens } = token as Tokens.Heading
        const content = this.runs(tokens)
        // An empty heading would only leave a tall gap.
        if (content.length === 0) return
        this.blocks.push(depth === 1
          ? paragraph('title', context, null, null, content)
          : { ...paragraph('heading', context, null, null, content), headingLevel: depth - 1 })
        return
      }
      case 'paragraph':
      case 'text':
        this.blocks.push(paragraph('body', context, null, null, this.runs(inlineOf(token))))
        return
      case 'blockquote':
        this.flow((token as Tokens.Blockquote).tokens, { ...context, indent: context.indent + 1, quoted: true })
        return
      case 'list':
        this.list(token as Tokens.List, context)
        return
      case 'table':
        this.blocks.push(this.table(token as Tokens.Table))
        return
      case 'code':
        this.blocks.push({ type: 'code', lines: (token as Tokens.Code).text.split(LINE_ENDING).map(expandTabs) })
        return
      case 'html': {
        const text = htmlText((token as Tokens.HTML).text)
        if (text !== '') this.blocks.push(paragraph('body', context, null, null, [textRun(text)]))
        return
      }
      case 'hr':
        this.blocks.push({ type: 'rule', indent: context.indent })
        return
      default:
        this.blocks.push(paragraph('body', context, null, null, [textRun(token.raw)]))
    }
  }

  private list (list: Tokens.List, context: Context): void {
    const start = typeof list.start === 'number' ? list.start : 1
    const depth = context.listDepth
    const listId = this.nextListId++
    const inner = { ...context, listDepth: depth + 1 }
    for (let index = list.items.length - 1; index >= 0; index--) {
      const item = list.items[index] as Tokens.ListItem
      const info: ListItem = {
        ordered: list.ordered,
        depth,
        listId,
        start,
        number: start + index,
        checked: item.task ? item.checked === true : null
      }
      this.pending.push(() => { this.item(info, item.tokens, inner) })
    }
  }

  /** A list item: the marker hangs before its first paragraph. */
  private item (info: ListItem, tokens: readonly Token[], outer: Context): void {
    const inner = { ...outer, indent: outer.indent + 1 }
    const children = tokens.filter((token) => token.type !== 'space' && token.type !== 'checkbox' && token.type !== 'def' && token.type !== 'footnote')
    const first = children[0]
    const marker = listMarker(info)
    if (first?.type === 'paragraph' || first?.type === 'text') {
      this.blocks.push(paragraph('body', inner, marker, info, this.runs(inlineOf(first))))
      this.flow(children.slice(1), inner)
    } else {
      this.blocks.push(paragraph('body', inner, marker, info, []))
      this.flow(children, inner)
    }
  }

  private table (token: Tokens.Table): Block {
    const columns = Math.max(token.align.length, token.header.length, ...token.rows.map((row) => row.length))
    const align: CellAlign[] = Array.from({ length: columns }, (_, index) => token.align[index] ?? null)
    const rows = [token.header, ...token.rows].map((row) =>
      Array.from({ length: columns }, (_, index) => this.runs(row[index]?.tokens ?? [])))
    return { type: 'table', align, rows }
  }
}

/** The visible text of a raw HTML block: no comments, no tags, references decoded. */
function htmlText (html: string): string {
  const text = decodeCharacterReferences(html.replace(HTML_COMMENT, '').replace(HTML_LINE_BREAK, '\n').replace(HTML_TAG, ''))
  return text.split(LINE_ENDING).map((line) => line.trim()).filter((line) => line !== '').join('\n')
}

/** The inline tokens of a paragraph or of a tight list item's text. */
function inlineOf (token: Token): readonly Token[] {
  return childTokens(token) ?? [{ type: 'text', raw: token.raw }]
}

function childTokens (token: Token): Token[] | undefined {
  return (token as Tokens.Generic).tokens
}

interface InlineTask {
  readonly token: Token | string
  readonly marks: Marks
  /** Inside an autolink, whose text is literal. */
  readonly literal: boolean
  readonly link: string | null
}

/** Appends `text`, merged into the last run when it has the very same look and link. */
function pushRun (result: Run[], text: string, marks: Marks, link: string | null): void {
  if (text === '') return
  const last = result[result.length - 1]
  if (last?.type === 'text' && last.marks === marks && last.link === link) result[result.length - 1] = textRun(last.text + text, marks, link)
  else result.push(textRun(text, marks, link))
}

function scheduleTokens (pending: InlineTask[], children: readonly Token[], marks: Marks, literal: boolean, link: string | null): void {
  for (let index = children.length - 1; index >= 0; index--) pending.push({ token: children[index] as Token, marks, literal, link })
}

function withMark (marks: Marks, mark: keyof Marks): Marks {
  return marks[mark] ? marks : { ...marks, [mark]: true }
}

/** @param notes where footnote references find their notes; null inside a note */
function runs (tokens: readonly Token[], notes: Footnotes | null): Run[] {
  const result: Run[] = []
  // Inline tokens still to map, next last; a string is literal text.
  const pending: InlineTask[] = []
  scheduleTokens(pending, tokens, NO_MARKS, false, null)
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { token, marks, literal, link } = next
    if (typeof token === 'string') {
      pushRun(result, token, marks, link)
      continue
    }
    switch (token.type) {
      case 'text':
        if (token.tokens !== undefined) scheduleTokens(pending, token.tokens, marks, literal, link)
        else pushRun(result, softBreaksToSpaces(literal ? token.raw : decodeCharacterReferences(token.raw)), marks, link)
        break
      case 'escape':
        pushRun(result, (token as Tokens.Escape).text, marks, link)
        break
      case 'strong':
        scheduleTokens(pending, token.tokens ?? [], withMark(marks, 'bold'), literal, link)
        break
      case 'em':
        scheduleTokens(pending, token.tokens ?? [], withMark(marks, 'italic'), literal, link)
        break
      case 'del':
        scheduleTokens(pending, token.tokens ?? [], withMark(marks, 'strike'), literal, link)
        break
      case 'codespan':
        pushRun(result, softBreaksToSpaces((token as Tokens.Codespan).text), withMark(marks, 'code'), link)
        break
      case 'br':
        pushRun(result, '\n', marks, link)
        break
      case 'link': {
        const token_ = token as Tokens.Link
        const autolink = token_.autolink === true
        const url = autolink ? token_.href : decodeCharacterReferences(token_.href)
        if (LINKABLE.test(url)) {
          scheduleTokens(pending, token_.tokens, marks, literal || autolink, url)
        } else {
          // Not something a reader can follow: the address stays visible.
          pending.push({ token: urlSuffix(url, plainText(token_.tokens, autolink)), marks, literal, link })
          scheduleTokens(pending, token_.tokens, marks, literal || autolink, link)
        }
        break
      }
      case 'image': {
        const image = token as Tokens.Image
        const alt = softBreaksToSpaces(plainText(image.tokens, false))
        const url = decodeCharacterReferences(image.href)
        const decoded = url.startsWith('data:') ? decodeImageDataUri(url) : null
        const label = alt === '' ? '[그림]' : alt
        if (decoded !== null) result.push({ type: 'image', alt, ...decoded })
        else if (LINKABLE.test(url)) pushRun(result, label, marks, url)
        // A relative path or a data: URI that holds no picture: nothing to
        // follow, so a path stays visible (a data: URI would be noise).
        else pushRun(result, url === '' || url.startsWith('data:') ? label : `${label} (${url})`, marks, link)
        break
      }
      case 'footnoteReference': {
        const note = notes?.note(token.label as string) ?? null
        if (note === null) pushRun(result, `[${token.label as string}]`, marks, link)
        else result.push(note)
        break
      }
      case 'html':
        // Comments vanish and tags give way to the text between them.
        if (BREAK_TAG.test(token.raw)) pushRun(result, '\n', marks, link)
        break
      case 'checkbox':
        break // shown as the item's marker
      default:
        pushRun(result, softBreaksToSpaces(token.raw), marks, link)
    }
  }
  trimParagraphEnds(result)
  return result
}

/** CommonMark strips the spaces at the start and end of a paragraph. */
function trimParagraphEnds (result: Run[]): void {
  const first = result[0]
  if (first?.type === 'text' && !first.marks.code) result[0] = { ...first, text: first.text.replace(/^[ \t]+/, '') }
  const last = result.at(-1)
  if (last?.type === 'text' && !last.marks.code) result[result.length - 1] = { ...last, text: last.text.replace(/[ \t]+$/, '') }
  if (isEmptyText(result[0])) result.shift()
  if (isEmptyText(result.at(-1))) result.pop()
}

function isEmptyText (run: Run | undefined): boolean {
  return run?.type === 'text' && run.text === ''
}

function paragraph (role: ParagraphBlock['role'], context: Context, marker: string | null, list: ListItem | null, runs: Run[]): ParagraphBlock {
  return {
    type: 'paragraph',
    role,
    headingLevel: 0,
    indent: role === 'body' ? context.indent : 0,
    marker,
    list,
    quoted: context.quoted && role === 'body',
    runs
  }
}

function softBreaksToSpaces (text: string): string {
  return text.includes('\n') || text.includes('\r') ? text.replace(SOFT_BREAK, ' ') : text
}

/** Entity and numeric character references as CommonMark resolves them. */
export function decodeCharacterReferences (text: string): string {
  if (!text.includes('&')) return text
  return text.replace(CHARACTER_REFERENCE, (reference, decimal: string | undefined, hex: string | undefined, name: string | undefined) => {
    if (name !== undefined) {
      const decoded = decodeNamedCharacterReference(name)
      return decoded === false ? reference : decoded
    }
    const code = decimal !== undefined ? Number.parseInt(decimal, 10) : Number.parseInt(hex as string, 16)
    return code === 0 || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF) ? '\uFFFD' : String.fromCodePoint(code)
  })
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

/** The text inline tokens show, without marks and without link addresses. */
function plainText (tokens: readonly Token[], literal: boolean): string {
  let text = ''
  const stack: Token[] = [...tokens].reverse()
  for (let token = stack.pop(); token !== undefined; token = stack.pop()) {
    const children = childTokens(token)
    if (children !== undefined) {
      for (let index = children.length - 1; index >= 0; index--) stack.push(children[index] as Token)
    } else if (token.type === 'text') {
      text += literal ? token.raw : decodeCharacterReferences(token.raw)
    } else if (token.type === 'escape' || token.type === 'codespan') {
      text += token.text as string
    } else if (token.type === 'br') {
      // as before: an alt text or link label has no line breaks
    } else if (token.type !== 'checkbox') {
      text += token.raw
    }
  }
  return text
}
