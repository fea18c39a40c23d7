import { decodeNamedCharacterReference } from 'decode-named-character-reference'
import type { Block, CellAlign, Marks, ParagraphBlock, Run } from './document-model.js'
import { NO_MARKS } from './document-model.js'
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

interface Context {
  /** Indent steps from block quotes and enclosing list items. */
  readonly indent: number
  readonly quoted: boolean
  /** How many lists enclose the current one; picks the marker shape. */
  readonly listDepth: number
}

const TOP: Context = { indent: 0, quoted: false, listDepth: 0 }

/**
 * Flattens marked's block tokens into the blocks HWPX paragraphs are made
 * of. Every piece of text survives: constructs without an HWPX counterpart
 * become their text (links keep their URL in brackets, images their alt
 * text and address, raw HTML its source, anything unknown its source).
 */
export function tokensToBlocks (tokens: readonly Token[]): Block[] {
  const mapper = new BlockMapper()
  mapper.flow(tokens, TOP)
  mapper.finish()
  return mapper.blocks
}

/** Input the parser could not take (nesting too deep), kept as plain lines. */
export function linesToBlocks (markdown: string): Block[] {
  return markdown.split(LINE_ENDING).map((line) => paragraph('body', TOP, null, [{ text: line, marks: NO_MARKS }]))
}

// Both walks below keep their own stack of pending work instead of
// recursing: a line of 5000 '>' is 5000 nested block quotes.

class BlockMapper {
  readonly blocks: Block[] = []
  /** Work still to do, next task last. */
  private readonly pending: Array<() => void> = []

  /** Maps `tokens` before anything already pending. */
  flow (tokens: readonly Token[], context: Context): void {
    for (let index = tokens.length - 1; index >= 0; index--) {
      const token = tokens[index] as Token
      if (token.type === 'space' || token.type === 'def' || token.type === 'checkbox') continue
      this.pending.push(() => { this.flowToken(token, context) })
    }
  }

  finish (): void {
    for (let task = this.pending.pop(); task !== undefined; task = this.pending.pop()) task()
  }

  private flowToken (token: Token, context: Context): void {
    switch (token.type) {
      case 'heading': {
        const { depth, tokens } = token as Tokens.Heading
        this.blocks.push(depth === 1
          ? paragraph('title', context, null, runs(tokens))
          : { ...paragraph('heading', context, null, runs(tokens)), headingLevel: depth - 1 })
        return
      }
      case 'paragraph':
      case 'text':
        this.blocks.push(paragraph('body', context, null, runs(inlineOf(token))))
        return
      case 'blockquote':
        this.flow((token as Tokens.Blockquote).tokens, { ...context, indent: context.indent + 1, quoted: true })
        return
      case 'list':
        this.list(token as Tokens.List, context)
        return
      case 'footnote':
        this.item(`[${token.label as string}]`, token.tokens ?? [], context)
        return
      case 'table':
        this.blocks.push(table(token as Tokens.Table))
        return
      case 'code':
        this.blocks.push({ type: 'code', lines: (token as Tokens.Code).text.split(LINE_ENDING).map(expandTabs) })
        return
      case 'html':
        this.blocks.push(paragraph('body', context, null, [{ text: (token as Tokens.HTML).text.replace(/\n+$/, ''), marks: NO_MARKS }]))
        return
      case 'hr':
        this.blocks.push({ type: 'rule', indent: context.indent })
        return
      default:
        this.blocks.push(paragraph('body', context, null, [{ text: token.raw, marks: NO_MARKS }]))
    }
  }

  private list (list: Tokens.List, context: Context): void {
    const start = typeof list.start === 'number' ? list.start : 1
    const depth = context.listDepth
    const inner = { ...context, listDepth: depth + 1 }
    for (let index = list.items.length - 1; index >= 0; index--) {
      const item = list.items[index] as Tokens.ListItem
      const numberOrBullet = list.ordered
        ? (ORDERED_FORMATS[depth % ORDERED_FORMATS.length] as (n: number) => string)(start + index)
        : BULLETS[depth % BULLETS.length] as string
      const box = item.checked === true ? TASK_BOX.done : TASK_BOX.open
      const marker = !item.task
        ? numberOrBullet
        : list.ordered ? `${numberOrBullet} ${box}` : box
      this.pending.push(() => { this.item(marker, item.tokens, inner) })
    }
  }

  /** A list item or footnote: the marker hangs before its first paragraph. */
  private item (marker: string, tokens: readonly Token[], outer: Context): void {
    const inner = { ...outer, indent: outer.indent + 1 }
    const children = tokens.filter((token) => token.type !== 'space' && token.type !== 'checkbox' && token.type !== 'def')
    const first = children[0]
    if (first?.type === 'paragraph' || first?.type === 'text') {
      this.blocks.push(paragraph('body', inner, marker, runs(inlineOf(first))))
      this.flow(children.slice(1), inner)
    } else {
      this.blocks.push(paragraph('body', inner, marker, []))
      this.flow(children, inner)
    }
  }
}

/** The inline tokens of a paragraph or of a tight list item's text. */
function inlineOf (token: Token): readonly Token[] {
  return childTokens(token) ?? [{ type: 'text', raw: token.raw }]
}

function childTokens (token: Token): Token[] | undefined {
  return (token as Tokens.Generic).tokens
}

function table (token: Tokens.Table): Block {
  const columns = Math.max(token.align.length, token.header.length, ...token.rows.map((row) => row.length))
  const align: CellAlign[] = Array.from({ length: columns }, (_, index) => token.align[index] ?? null)
  const rows = [token.header, ...token.rows].map((row) =>
    Array.from({ length: columns }, (_, index) => runs(row[index]?.tokens ?? [])))
  return { type: 'table', align, rows }
}

interface InlineTask {
  readonly token: Token | string
  readonly marks: Marks
  /** Inside an autolink, whose text is literal. */
  readonly literal: boolean
}

/** Appends `text`, merged into the last run when it has the very same marks. */
function pushRun (result: Run[], text: string, marks: Marks): void {
  if (text === '') return
  const last = result[result.length - 1]
  if (last !== undefined && last.marks === marks) result[result.length - 1] = { text: last.text + text, marks }
  else result.push({ text, marks })
}

function scheduleTokens (pending: InlineTask[], children: readonly Token[], marks: Marks, literal: boolean): void {
  for (let index = children.length - 1; index >= 0; index--) pending.push({ token: children[index] as Token, marks, literal })
}

function withMark (marks: Marks, mark: keyof Marks): Marks {
  return marks[mark] ? marks : { ...marks, [mark]: true }
}

function runs (tokens: readonly Token[]): Run[] {
  const result: Run[] = []
  // Inline tokens still to map, next last; a string is literal text.
  const pending: InlineTask[] = []
  scheduleTokens(pending, tokens, NO_MARKS, false)
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { token, marks, literal } = next
    if (typeof token === 'string') {
      pushRun(result, token, marks)
      continue
    }
    switch (token.type) {
      case 'text':
        if (token.tokens !== undefined) scheduleTokens(pending, token.tokens, marks, literal)
        else pushRun(result, softBreaksToSpaces(literal ? token.raw : decodeCharacterReferences(token.raw)), marks)
        break
      case 'escape':
        pushRun(result, (token as Tokens.Escape).text, marks)
        break
      case 'strong':
        scheduleTokens(pending, token.tokens ?? [], withMark(marks, 'bold'), literal)
        break
      case 'em':
        scheduleTokens(pending, token.tokens ?? [], withMark(marks, 'italic'), literal)
        break
      case 'del':
        scheduleTokens(pending, token.tokens ?? [], withMark(marks, 'strike'), literal)
        break
      case 'codespan':
        pushRun(result, softBreaksToSpaces((token as Tokens.Codespan).text), withMark(marks, 'code'))
        break
      case 'br':
        pushRun(result, '\n', marks)
        break
      case 'link': {
        const link = token as Tokens.Link
        const autolink = link.autolink === true
        const url = autolink ? link.href : decodeCharacterReferences(link.href)
        pending.push({ token: urlSuffix(url, plainText(link.tokens, autolink)), marks, literal })
        scheduleTokens(pending, link.tokens, marks, literal || autolink)
        break
      }
      case 'image': {
        const image = token as Tokens.Image
        pushRun(result, imageText(plainText(image.tokens, false), decodeCharacterReferences(image.href)), marks)
        break
      }
      case 'footnoteReference':
        pushRun(result, `[${token.label as string}]`, marks)
        break
      case 'html':
        pushRun(result, BREAK_TAG.test(token.raw) ? '\n' : softBreaksToSpaces(token.raw), marks)
        break
      case 'checkbox':
        break // shown as the item's marker
      default:
        pushRun(result, softBreaksToSpaces(token.raw), marks)
    }
  }
  trimParagraphEnds(result)
  return result
}

/** CommonMark strips the spaces at the start and end of a paragraph. */
function trimParagraphEnds (result: Run[]): void {
  const first = result[0]
  if (first !== undefined && !first.marks.code) result[0] = { text: first.text.replace(/^[ \t]+/, ''), marks: first.marks }
  const last = result.at(-1)
  if (last !== undefined && !last.marks.code) result[result.length - 1] = { text: last.text.replace(/[ \t]+$/, ''), marks: last.marks }
  if (result[0]?.text === '') result.shift()
  if (result.at(-1)?.text === '') result.pop()
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

function imageText (alt: string, url: string): string {
  const label = alt === '' ? '[이미지]' : `[이미지: ${softBreaksToSpaces(alt)}]`
  return url === '' ? label : `${label} (${url})`
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
