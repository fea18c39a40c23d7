import { markdownToDocx } from '../docx/index.js'
import { markdownToHwpx, type HwpxOptions } from '../hwpx/index.js'

/** Runs in a worker thread of the conversion pool (see conversion-pool.ts). */
export default async function convert ({ markdown, options }: { markdown: string, options: HwpxOptions }): Promise<Uint8Array> {
  return markdownToHwpx(markdown, options)
}

export async function docx ({ markdown, options }: { markdown: string, options: HwpxOptions }): Promise<Uint8Array> {
  return markdownToDocx(markdown, options)
}
