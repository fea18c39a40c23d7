import { threadId } from 'node:worker_threads'
import { markdownToDocx } from '../docx/index.js'
import { markdownToHwpx, type HwpxOptions } from '../hwpx/index.js'
import { warmUpConverters } from './conversion-warm-up.js'

/** Runs in a worker thread of the conversion pool (see conversion-pool.ts). */
export default async function convert ({ markdown, options }: { markdown: string, options: HwpxOptions }): Promise<Uint8Array> {
  return markdownToHwpx(markdown, options)
}

export async function docx ({ markdown, options }: { markdown: string, options: HwpxOptions }): Promise<Uint8Array> {
  return markdownToDocx(markdown, options)
}

/** Set once this thread has begun its warm-up: a thread warms up once in its life. */
let warming: Promise<void> | undefined

export async function warmUp ({ rounds }: { rounds: number }): Promise<{ threadId: number, warmedNow: boolean }> {
  const warmedNow = warming === undefined
  warming ??= warmUpConverters(rounds)
  await warming
  return { threadId, warmedNow }
}
