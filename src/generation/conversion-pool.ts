import { availableParallelism } from 'node:os'
import { Piscina } from 'piscina'
import type { HwpxOptions } from '../hwpx/index.js'

/**
 * How long a worker that converted a report stays for the next one. A new worker loads the converters
 * and V8 compiles them afresh: its first conversions cost two to three times the CPU of a warm one
 * (BENCHMARKS.md, HWPX cold vs warm), and a worker that left after 30 s made nearly every report
 * of a lightly used service a first one. A worker costs tens of MB while it waits.
 */
const WORKER_IDLE_MS = 15 * 60_000

/**
 * Markdown → HWPX (and DOCX) on worker threads: a 300 KB report takes long enough to convert that, on the
 * event loop, it would stall /status and every stream. The worker is this folder's conversion-worker,
 * as .ts under tsx and .js once built.
 */
export class ConversionPool {
  readonly threads = Math.max(1, Math.min(2, availableParallelism() - 1))
  readonly #pool = new Piscina({
    filename: new URL(`./conversion-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url).href,
    minThreads: 0,
    maxThreads: this.threads,
    idleTimeout: WORKER_IDLE_MS
  })

  /**
   * Starts every thread the pool may use and has each convert a sample report `rounds` times, so
   * that a report converts on code V8 has already optimised (conversion-warm-up.ts). Called when
   * a report starts: Claude takes far longer to write it than the warm-up takes. A thread that is
   * warm already answers at once. Resolves with what each thread did, for tests and logs.
   */
  warmUp (rounds: number): Promise<Array<{ threadId: number, warmedNow: boolean }>> {
    // One task per thread at once: with every thread busy on one, the pool starts the next.
    return Promise.all(Array.from({ length: this.threads }, () => this.#pool.run({ rounds }, { name: 'warmUp' })))
  }

  convertHwpx (markdown: string, options: HwpxOptions): Promise<Uint8Array> {
    return this.#pool.run({ markdown, options })
  }

  /** The DOCX artifact, on the same threads. */
  convertDocx (markdown: string, options: HwpxOptions): Promise<Uint8Array> {
    return this.#pool.run({ markdown, options }, { name: 'docx' })
  }

  async close (): Promise<void> {
    await this.#pool.destroy()
  }
}
