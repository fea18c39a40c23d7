/** A piece of a report's Markdown as it is written: `offset` is where `text` starts, in UTF-16 units. */
export interface TextPiece {
  offset: number
  text: string
}

interface Entry {
  /** Where the text held starts: 0 unless this process joined the run late. */
  base: number
  text: string
  listeners: Set<(piece: TextPiece) => void>
}

/**
 * The Markdown of the reports being written, as each process hears it (the writer publishes it on
 * a NOTIFY channel, see generation/lifecycle.ts): what a live page shows as the report grows. Only
 * running reports are held; an entry goes when its run ends. A piece at offset 0 starts the text
 * over (a new attempt writes the report again from the start).
 */
export class ReportTexts {
  readonly #entries = new Map<number, Entry>()

  append (topicId: number, piece: TextPiece): void {
    let entry = this.#entries.get(topicId)
    let taken = piece
    if (!entry) {
      entry = { base: piece.offset, text: piece.text, listeners: new Set() }
      this.#entries.set(topicId, entry)
    } else if (piece.offset === 0) {
      entry.base = 0
      entry.text = piece.text
    } else {
      const end = entry.base + entry.text.length
      if (piece.offset > end) {
        // A gap (notifications lost while reconnecting): what is held can no longer be extended.
        entry.base = piece.offset
        entry.text = piece.text
      } else {
        const fresh = piece.text.slice(end - piece.offset)
        if (!fresh) return
        entry.text += fresh
        taken = { offset: end, text: fresh }
      }
    }
    for (const listener of entry.listeners) listener(taken)
  }

  /** Everything held of the topic's text, or undefined when it is not being written here. */
  current (topicId: number): TextPiece | undefined {
    const entry = this.#entries.get(topicId)
    return entry && entry.text ? { offset: entry.base, text: entry.text } : undefined
  }

  /** Calls `listener` with each new piece; returns the unsubscribe function. */
  subscribe (topicId: number, listener: (piece: TextPiece) => void): () => void {
    let entry = this.#entries.get(topicId)
    if (!entry) this.#entries.set(topicId, entry = { base: 0, text: '', listeners: new Set() })
    entry.listeners.add(listener)
    return () => {
      const held = this.#entries.get(topicId)
      held?.listeners.delete(listener)
      if (held && held.listeners.size === 0 && !held.text) this.#entries.delete(topicId)
    }
  }

  /** The run ended: its text is in the saved Markdown from now on. */
  clear (topicId: number): void {
    const entry = this.#entries.get(topicId)
    if (!entry) return
    if (entry.listeners.size === 0) this.#entries.delete(topicId)
    else {
      entry.base = 0
      entry.text = ''
    }
  }

  get size (): number {
    return this.#entries.size
  }

  /** How many streams are following the topic's text here. */
  listenerCount (topicId: number): number {
    return this.#entries.get(topicId)?.listeners.size ?? 0
  }
}

/** Longest a slow reader's text backlog may grow before its stream ends (it reconnects and starts over). */
const MAX_BACKLOG = 500

/**
 * A topic's status events with its text pieces in between, for one stream: first everything written
 * so far, then each new piece as it arrives. Ends when the status events do, or when `signal` aborts.
 */
export function withReportText<E> (events: AsyncIterator<E>, texts: ReportTexts, topicId: number, signal: AbortSignal): AsyncIterableIterator<E | TextPiece> {
  const pieces: TextPiece[] = []
  const initial = texts.current(topicId)
  if (initial) pieces.push(initial)
  let overflowed = false
  let wake: (() => void) | undefined
  const unsubscribe = texts.subscribe(topicId, (piece) => {
    if (pieces.length >= MAX_BACKLOG) overflowed = true
    else pieces.push(piece)
    wake?.()
  })
  // One reaction per pulled status event, however many text pieces pass meanwhile.
  let status: IteratorResult<E> | undefined
  let pulling = false
  const pull = () => {
    pulling = true
    events.next().then(
      (result) => { status = result; pulling = false; wake?.() },
      () => { status = { done: true, value: undefined }; pulling = false; wake?.() })
  }
  let finished = false
  const finish = async (): Promise<IteratorResult<E | TextPiece>> => {
    if (!finished) {
      finished = true
      signal.removeEventListener('abort', abandon)
      unsubscribe()
      pieces.length = 0
      await events.return?.()
    }
    return { done: true, value: undefined }
  }
  // The response pipe stops pulling when its client leaves with output backed up, so next() may
  // never run again: the disconnect itself must let go of the listener and what it collected.
  const abandon = () => {
    finish().catch(() => {})
    wake?.()
  }
  if (signal.aborted) abandon()
  else signal.addEventListener('abort', abandon, { once: true })
  return {
    async next () {
      while (true) {
        if (finished || overflowed) return finish()
        const piece = pieces.shift()
        if (piece) return { done: false, value: piece }
        if (status) {
          const result = status
          status = undefined
          if (result.done) return finish()
          return result
        }
        if (!pulling) pull()
        await new Promise<void>((resolve) => { wake = resolve })
        wake = undefined
      }
    },
    return: finish,
    [Symbol.asyncIterator] () { return this }
  }
}
