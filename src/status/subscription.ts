import { isTerminal, type StatusEvent } from './types.js'

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined })

/**
 * One reader's view of a topic's events. Each reader has its own queue, so one that falls behind
 * (a client under TCP backpressure) never holds up the publisher or the other readers.
 *
 * A subscription stops taking events after a terminal one, when the store ends it, or when it
 * falls more than `limit` events behind — a reader that slow is cut off rather than allowed to
 * grow without bound; it reconnects and resumes from the store's history. Events already queued
 * are still handed out, then the iterator finishes. `return()` stops it and drops the queue.
 */
export class Subscription implements AsyncIterableIterator<StatusEvent> {
  readonly #queue: StatusEvent[] = []
  readonly #waiting: Array<(result: IteratorResult<StatusEvent>) => void> = []
  readonly #limit: number
  #open = true
  #onStop: (() => void) | undefined

  constructor (limit: number) {
    this.#limit = limit
  }

  /** Whether events delivered now still reach the reader. */
  get open (): boolean {
    return this.#open
  }

  /** Runs once, when the subscription stops taking events: the store unregisters it there. */
  onStop (callback: () => void): void {
    this.#onStop = callback
  }

  deliver (event: StatusEvent): void {
    if (!this.#open) return
    const reader = this.#waiting.shift()
    if (reader) reader({ done: false, value: event })
    else this.#queue.push(event)
    if (isTerminal(event.snapshot.status) || this.#queue.length > this.#limit) this.end()
  }

  end (): void {
    if (!this.#open) return
    this.#open = false
    const onStop = this.#onStop
    this.#onStop = undefined
    onStop?.()
    if (this.#queue.length === 0) {
      for (const reader of this.#waiting.splice(0)) reader(DONE)
    }
  }

  next (): Promise<IteratorResult<StatusEvent>> {
    const event = this.#queue.shift()
    if (event) return Promise.resolve({ done: false, value: event })
    if (!this.#open) return Promise.resolve(DONE)
    return new Promise((resolve) => { this.#waiting.push(resolve) })
  }

  return (): Promise<IteratorResult<StatusEvent>> {
    this.#queue.length = 0
    this.end()
    return Promise.resolve(DONE)
  }

  [Symbol.asyncIterator] (): this {
    return this
  }
}
