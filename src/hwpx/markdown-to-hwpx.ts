import type { Block, ImageFormat } from './document-model.js'
import { buildHeaderXml } from './header-xml.js'
import {
  buildContentHpf,
  CONTAINER_RDF,
  CONTAINER_XML,
  MANIFEST_XML,
  SETTINGS_XML,
  VERSION_XML
} from './package-parts.js'
import { writePackage } from './package-writer.js'
import { parseMarkdown } from './parse-markdown.js'
import { buildPreviewText } from './preview-text.js'
import { ReportTheme } from './report-theme.js'
import { buildSectionXml } from './section-xml.js'
import { linesToBlocks, tokensToBlocks } from './tokens-to-blocks.js'

/**
 * The parser recurses into block quotes, lists and inline markup, so absurd
 * nesting (tens of thousands of '>' on a line) overflows the call stack
 * inside it, and deeply nested lists take it cubic time (parseMarkdown
 * refuses them). Rather than fail the report, such input is kept as plain
 * lines.
 */
export function markdownToBlocks (markdown: string): Block[] {
  let tokens
  try {
    tokens = parseMarkdown(markdown)
  } catch (error) {
    if (!(error instanceof RangeError)) throw error
    return linesToBlocks(markdown)
  }
  return tokensToBlocks(tokens)
}

export interface HwpxOptions {
  /**
   * Document title for the package metadata and the running header on every
   * page; the body shows the Markdown's own `#` heading.
   */
  readonly title: string
  /**
   * When the report was written: metadata dates and zip entry timestamps.
   * Without it the metadata dates stay empty and entries carry 1980-01-01,
   * so the output never depends on the clock.
   */
  readonly date?: Date
  /** Metadata creator / last saved by. */
  readonly author?: string
  /** Metadata subject, e.g. the report topic. */
  readonly subject?: string
}

/**
 * Converts a Markdown (CommonMark + GFM) report to an HWPX document that
 * Hancom Office opens. The same input and options always give the same
 * bytes, and any input, however malformed, gives a well-formed package.
 */
export async function markdownToHwpx (markdown: string, options: HwpxOptions): Promise<Uint8Array> {
  if (typeof markdown !== 'string') throw new TypeError('markdown must be a string')
  if (typeof options?.title !== 'string') throw new TypeError('options.title must be a string')
  const date = options.date ?? null
  if (date !== null && !(date instanceof Date && Number.isFinite(date.getTime()))) {
    throw new RangeError('options.date must be a valid Date')
  }

  const blocks = markdownToBlocks(markdown)
  const theme = new ReportTheme()
  // The section first: writing it registers the shapes the header defines.
  const section = buildSectionXml(blocks, theme, { runningHeader: runningHeaderText(options.title, date) })
  const binaries = section.binaryItems.map((item) => ({
    id: item.id,
    path: `BinData/${item.id}.${item.format}`,
    mediaType: IMAGE_MEDIA_TYPES[item.format],
    data: item.data
  }))
  return await writePackage({
    version: VERSION_XML,
    header: buildHeaderXml(theme, 1),
    section: section.xml,
    previewText: buildPreviewText(blocks),
    settings: SETTINGS_XML,
    containerRdf: CONTAINER_RDF,
    contentHpf: buildContentHpf({ title: options.title, author: options.author ?? '', subject: options.subject ?? '', date, binaryItems: binaries }),
    container: CONTAINER_XML,
    manifest: MANIFEST_XML
  }, date, binaries)
}

const IMAGE_MEDIA_TYPES: Record<ImageFormat, string> = { png: 'image/png', jpg: 'image/jpeg', gif: 'image/gif', bmp: 'image/bmp' }

/** "보고서 제목 · 2025. 3. 1.": the date as Koreans write it, in Korean time. */
export function runningHeaderText (title: string, date: Date | null): string {
  const clean = title.replace(/\s+/g, ' ').trim()
  if (date === null) return clean
  const kst = new Date(date.getTime() + 9 * 60 * 60 * 1000)
  const day = `${kst.getUTCFullYear()}. ${kst.getUTCMonth() + 1}. ${kst.getUTCDate()}.`
  return clean === '' ? day : `${clean} · ${day}`
}
