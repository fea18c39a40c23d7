import { el } from './dom.js'

/**
 * A small reader for the Markdown our reports use — headings, paragraphs, lists, tables, quotes,
 * code, rules, bold, italics and inline code — that builds DOM nodes from text. Raw HTML in the
 * report stays visible text; links stay text too, so no address in a report becomes clickable.
 */

const HEADING = /^(#{1,6})\s+(.*?)(?:\s+#+)?\s*$/
const RULE = /^\s{0,3}([-*_])(?:\s*\1){2,}\s*$/
const FENCE = /^\s{0,3}(```|~~~)/
const BULLET = /^\s*[-*+]\s+(.*)$/
const NUMBERED = /^\s*\d{1,9}[.)]\s+(.*)$/
const QUOTE = /^\s{0,3}>\s?(.*)$/
const TABLE_ROW = /^\s*\|.*\|\s*$/
const TABLE_RULE = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/

/** Report headings sit below the page's own (h1 page, h2 the document card): `#` is an h3. */
const HEADING_OFFSET = 2

/**
 * The report as its document shows it: the first `#` is the centred title; headings keep the
 * numbers the report itself gives them (the HWPX adds none, so neither does the preview).
 */
export function renderMarkdown (markdown) {
  return renderBlocks(markdown, { titled: false })
}

function headingNode (level, text, state) {
  const tag = `h${Math.min(6, level + HEADING_OFFSET)}`
  const isTitle = level === 1 && !state.titled
  if (isTitle) state.titled = true
  return el(tag, isTitle ? { class: 'document-title' } : {}, ...inline(text))
}

function renderBlocks (markdown, state) {
  const fragment = document.createDocumentFragment()
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n')
  let i = 0
  while (i < lines.length) {
    const line = lines[i]
    if (!line.trim()) {
      i++
    } else if (FENCE.test(line)) {
      const marker = FENCE.exec(line)[1]
      const code = []
      for (i++; i < lines.length && !lines[i].trimStart().startsWith(marker); i++) code.push(lines[i])
      i++
      fragment.append(el('pre', {}, el('code', {}, code.join('\n'))))
    } else if (HEADING.test(line)) {
      const [, hashes, text] = HEADING.exec(line)
      fragment.append(headingNode(hashes.length, text, state))
      i++
    } else if (RULE.test(line)) {
      fragment.append(el('hr'))
      i++
    } else if (TABLE_ROW.test(line) && TABLE_RULE.test(lines[i + 1] ?? '')) {
      const rows = [line]
      for (i += 2; i < lines.length && TABLE_ROW.test(lines[i]); i++) rows.push(lines[i])
      fragment.append(table(rows))
    } else if (BULLET.test(line) || NUMBERED.test(line)) {
      const pattern = BULLET.test(line) ? BULLET : NUMBERED
      const items = []
      for (; i < lines.length && pattern.test(lines[i]); i++) items.push(el('li', {}, ...inline(pattern.exec(lines[i])[1])))
      fragment.append(el(pattern === BULLET ? 'ul' : 'ol', {}, ...items))
    } else if (QUOTE.test(line)) {
      const quoted = []
      for (; i < lines.length && QUOTE.test(lines[i]); i++) quoted.push(QUOTE.exec(lines[i])[1])
      fragment.append(el('blockquote', {}, renderBlocks(quoted.join('\n'), state)))
    } else {
      const paragraph = []
      for (; i < lines.length && lines[i].trim() && !startsBlock(lines, i); i++) paragraph.push(lines[i].trim())
      fragment.append(el('p', {}, ...inline(paragraph.join(' '))))
    }
  }
  return fragment
}

function startsBlock (lines, i) {
  const line = lines[i]
  return HEADING.test(line) || RULE.test(line) || FENCE.test(line) || BULLET.test(line) ||
    NUMBERED.test(line) || QUOTE.test(line) || (TABLE_ROW.test(line) && TABLE_RULE.test(lines[i + 1] ?? ''))
}

function cells (row) {
  return row.trim().replace(/^\|/, '').replace(/\|$/, '').split(/(?<!\\)\|/).map((cell) => cell.trim().replace(/\\\|/g, '|'))
}

function table (rows) {
  const [head, ...body] = rows.map(cells)
  // A table wider than a phone scrolls sideways; as a focusable region a keyboard can scroll it too.
  return el('div', { class: 'table-scroll', tabIndex: 0, role: 'region', 'aria-label': '표' }, el('table', {},
    el('thead', {}, el('tr', {}, ...head.map((text) => el('th', { scope: 'col' }, ...inline(text))))),
    el('tbody', {}, ...body.map((row) => el('tr', {}, ...row.map((text) => el('td', {}, ...inline(text))))))
  ))
}

const INLINE = /\*\*(.+?)\*\*|__(.+?)__|`([^`]+)`|\*([^*\s](?:[^*]*[^*\s])?)\*/g

/** Text with **bold**, *italics* and `code` as nodes; everything else, markup included, as text. */
function inline (text) {
  const nodes = []
  let last = 0
  for (const match of text.matchAll(INLINE)) {
    if (match.index > last) nodes.push(text.slice(last, match.index))
    const [, strong, strongAlt, code, em] = match
    if (code !== undefined) nodes.push(el('code', {}, code))
    else if (em !== undefined) nodes.push(el('em', {}, ...inline(em)))
    else nodes.push(el('strong', {}, ...inline(strong ?? strongAlt)))
    last = match.index + match[0].length
  }
  if (last < text.length) nodes.push(text.slice(last))
  return nodes
}
