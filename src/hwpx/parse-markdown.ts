import { Lexer, Marked, type MarkedOptions, type Token, Tokenizer, type TokenizerExtension, type Tokens } from 'marked'

/** A GFM footnote definition, `[^label]: text`, with its block content. */
export interface FootnoteToken {
  readonly type: 'footnote'
  readonly raw: string
  /** As written. */
  readonly label: string
  readonly tokens: Token[]
}

/** A reference to a defined footnote, `[^label]`. */
export interface FootnoteReferenceToken {
  readonly type: 'footnoteReference'
  readonly raw: string
  readonly label: string
}

/** Labels of the footnotes each lexer has seen defined. */
const footnoteLabels = new WeakMap<object, Set<string>>()

const labelsOf = (lexer: object): Set<string> => {
  let labels = footnoteLabels.get(lexer)
  if (labels === undefined) {
    labels = new Set()
    footnoteLabels.set(lexer, labels)
  }
  return labels
}

/** Footnote labels match case-insensitively, as link labels do. */
const normalizeLabel = (label: string): string => label.toLowerCase().toUpperCase()

const FOOTNOTE_START = /^ {0,3}\[\^([^\]\s\\]+)\]:[ \t]*/
const FOOTNOTE_START_ANYWHERE = /(?:^|\n) {0,3}\[\^[^\]\s\\]+\]:/g
const BLANK_LINE = /^[ \t]*$/
const INDENTED_LINE = /^(?: {4}|\t| {1,3}\t)/
/** Lines that start a block of their own, so cannot continue a paragraph lazily. */
const BLOCK_START_LINE = /^ {0,3}(?:[#>]|```|~~~|[-*+](?:[ \t]|$)|\d{1,9}[.)](?:[ \t]|$)|<|\[\^[^\]\s\\]+\]:|(?:[-*_][ \t]*){3,}$)/

/**
 * `[^label]: …` and the lines that belong to it: lazy continuation lines
 * right after it, and after blank lines, lines indented four spaces (whose
 * indent is removed), as GFM footnote definitions go.
 */
const footnoteDefinition: TokenizerExtension = {
  name: 'footnote',
  level: 'block',
  start (src) {
    // marked asks this for the rest of the document at every top-level
    // paragraph, so first look for '[^' natively: a match holds one at most
    // four characters (newline, three spaces) after where it starts.
    const first = src.indexOf('[^')
    if (first < 0) return undefined
    FOOTNOTE_START_ANYWHERE.lastIndex = Math.max(0, first - 4)
    const match = FOOTNOTE_START_ANYWHERE.exec(src)
    return match === null ? undefined : match.index + (match[0].startsWith('\n') ? 1 : 0)
  },
  tokenizer (src) {
    const start = FOOTNOTE_START.exec(src)
    if (start === null) return undefined
    const lines = src.split('\n')
    const content = [(lines[0] as string).slice(start[0].length)]
    let taken = 1
    let blanks = 0
    let paragraphOpen = !BLANK_LINE.test(content[0] as string)
    for (let index = 1; index < lines.length; index++) {
      const line = lines[index] as string
      if (BLANK_LINE.test(line)) {
        blanks++
        paragraphOpen = false
        continue
      }
      if (INDENTED_LINE.test(line)) {
        content.push(...Array<string>(blanks).fill(''), line.replace(/^(?: {1,4}|\t| {1,3}\t)/, ''))
      } else if (blanks === 0 && paragraphOpen && !BLOCK_START_LINE.test(line)) {
        // Indented, a lazy line can only continue the paragraph, never
        // start a table of its own.
        content.push('    ' + line)
      } else {
        break
      }
      taken = index + 1
      blanks = 0
      paragraphOpen = true
    }
    const raw = lines.slice(0, taken).join('\n') + (taken < lines.length ? '\n' : '')
    const label = start[1] as string
    labelsOf(this.lexer).add(normalizeLabel(label))
    const token = { type: 'footnote', raw, label, tokens: [] as Token[] }
    this.lexer.blockTokens(content.join('\n'), token.tokens)
    return token
  }
}

const FOOTNOTE_REFERENCE = /^\[\^([^\]\s\\]+)\]/

/** `[^label]` where a footnote of that label is defined anywhere. */
const footnoteReference: TokenizerExtension = {
  name: 'footnoteReference',
  level: 'inline',
  start (src) {
    const index = src.indexOf('[^')
    return index < 0 ? undefined : index
  },
  tokenizer (src) {
    const match = FOOTNOTE_REFERENCE.exec(src)
    if (match === null || !labelsOf(this.lexer).has(normalizeLabel(match[1] as string))) return undefined
    return { type: 'footnoteReference', raw: match[0], label: match[1] as string }
  }
}

/** An unescaped '|' and the backslashes before it. */
const CELL_SEPARATOR = /(\\*)\|/g

/** A row's cells as GFM splits them; `\|` is a literal pipe. */
function splitRow (line: string): string[] {
  const cells: string[] = []
  let start = 0
  for (const match of line.matchAll(CELL_SEPARATOR)) {
    if ((match[1] as string).length % 2 === 1) continue
    const end = match.index + (match[1] as string).length
    cells.push(line.slice(start, end))
    start = end + 1
  }
  cells.push(line.slice(start))
  if (cells.length > 1 && (cells[0] as string).trim() === '') cells.shift()
  if (cells.length > 1 && (cells.at(-1) as string).trim() === '') cells.pop()
  return cells.map((cell) => cell.trim().replace(/\\\|/g, '|'))
}

class HwpxTokenizer extends Tokenizer {
  /**
   * GFM drops the cells of a row beyond the header's; marked does too, but
   * their text must not be lost, so they are put back as extra columns.
   */
  override table (src: string): Tokens.Table | undefined {
    const token = super.table(src)
    if (token === undefined) return undefined
    const lines = token.raw.replace(/\n+$/, '').split('\n').slice(2)
    token.rows.forEach((row, index) => {
      const cells = splitRow(lines[index] ?? '')
      for (let column = row.length; column < cells.length; column++) {
        const text = cells[column] as string
        row.push({ text, tokens: this.lexer.inline(text), header: false, align: null })
      }
    })
    return token
  }
}

const OPTIONS: MarkedOptions = {
  ...new Marked({ gfm: true, silent: false }).use({ extensions: [footnoteDefinition, footnoteReference] }).defaults,
  tokenizer: new HwpxTokenizer()
}

/**
 * For sources without '[^': neither footnote extension can match there, and
 * without them marked skips asking their start() at every paragraph (each
 * a scan of the rest of the document).
 */
const OPTIONS_WITHOUT_FOOTNOTES: MarkedOptions = {
  ...new Marked({ gfm: true, silent: false }).defaults,
  tokenizer: new HwpxTokenizer()
}

/**
 * A list item indented 160 columns or more: some 80 levels deep. marked
 * takes time cubic in the depth of nested lists (400 levels: seconds), so
 * such input is refused like input that overflows the stack.
 */
const DEEP_LIST_ITEM = /^[ \t>]{160,}(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)/m

/**
 * CommonMark + GFM (tables, strikethrough, task lists, autolinks, footnotes)
 * block tokens of `markdown`, from marked's lexer. As CommonMark asks, a
 * leading byte-order mark is dropped and U+0000 becomes U+FFFD. Throws a
 * RangeError when the input nests too deeply to parse.
 *
 * Inline `text` tokens carry marked's partly escaped text; their `raw` is
 * the source, whose character references are still to be decoded.
 */
export function parseMarkdown (markdown: string): Token[] {
  const source = (markdown.charCodeAt(0) === 0xFEFF ? markdown.slice(1) : markdown).replace(/\0/g, '\uFFFD')
  if (DEEP_LIST_ITEM.test(source)) throw new RangeError('lists nested too deeply')
  return new Lexer(source.includes('[^') ? OPTIONS : OPTIONS_WITHOUT_FOOTNOTES).lex(source)
}

export type { Token, Tokens }
