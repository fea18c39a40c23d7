import type { Block, Run } from './document-model.js'
import { stripInvalidXmlChars } from './xml-text.js'

/** Hancom stores only the start of the text as the preview. */
const PREVIEW_LENGTH = 1024

/**
 * Preview/PrvText.txt as Hancom writes it: plain text, CRLF line ends,
 * table rows as `<cell><cell>` lines.
 */
export function buildPreviewText (blocks: readonly Block[]): string {
  const lines: string[] = []
  let length = 0
  for (const block of blocks) {
    if (length > PREVIEW_LENGTH) break
    const before = lines.length
    switch (block.type) {
      case 'paragraph':
        lines.push((block.marker === null ? '' : `${block.marker} `) + runText(block.runs))
        break
      case 'table':
        for (const row of block.rows) lines.push(row.map((cell) => `<${runText(cell)}>`).join(''))
        break
      case 'code':
        lines.push(...block.lines)
        break
      case 'rule':
        lines.push('')
    }
    for (let index = before; index < lines.length; index++) length += (lines[index] as string).length + 2
  }
  return truncate(stripInvalidXmlChars(lines.join('\r\n')).replace(/\r?\n/g, '\r\n'), PREVIEW_LENGTH) + '\r\n'
}

function runText (runs: readonly Run[]): string {
  return runs.map((run) => run.type === 'text' ? run.text : run.type === 'image' ? run.alt : '').join('').replace(/\t/g, ' ')
}

/** Cuts at `length` UTF-16 units without splitting a surrogate pair. */
function truncate (text: string, length: number): string {
  if (text.length <= length) return text
  const last = text.charCodeAt(length - 1)
  return text.slice(0, last >= 0xD800 && last <= 0xDBFF ? length - 1 : length)
}
