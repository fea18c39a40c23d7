import { Subscription } from './subscription.js'
import { isTerminal, type ProgressPatch, type StatusEvent, type StatusSnapshot } from './types.js'

export interface StatusStoreOptions {
  /** How long a finished (completed or failed) entry stays after it finishes. */
  ttlMs: number
  /** Finished entries kept at most; the oldest go first (a later read loads them from the log again). */
  maxFinished?: number
  /** Events kept per topic for Last-Event-ID resume; also how far a subscriber may fall behind. */
  historySize?: number
  now?: () => number
}

interface Entry {
  /** The run's events, oldest first; never empty, and the last one carries the current snapshot. */
  history: StatusEvent[]
  lastId: number
  /** Whose run it is, so that polling can be answered from memory without a database round trip. */
  ownerId: string | undefined
}

/** An expired entry is swept at most this long after its TTL, however long the TTL. */
const MAX_SWEEP_INTERVAL_MS = 60_000

/**
 * In-memory generation status per topic, and the publisher behind the status
 * streams: every change becomes an event with a per-topic sequence number, kept in a bounded
 * history for Last-Event-ID resume and handed to every subscriber of the topic.
 *
 * It is each process's hot copy: the database's event log is the source of truth, and every
 * change written there reaches every replica's store through apply() (see generation/lifecycle.ts).
 * begin/update/complete/fail number events locally, for a store used on its own.
 */
export class StatusStore {
  readonly #entries = new Map<number, Entry>()
  /** Finished topics in the order they finished: with one TTL for all, the oldest expire first. */
  readonly #finishedAt = new Map<number, number>()
  /** Kept apart from the entries so that a reader can wait for a run that has not begun yet. */
  readonly #subscribers = new Map<number, Set<Subscription>>()
  readonly #ttlMs: number
  readonly #historySize: number
  readonly #maxFinished: number
  readonly #now: () => number
  readonly #sweeper: NodeJS.Timeout
  #closed = false

  constructor ({ ttlMs, maxFinished = 1000, historySize = 200, now = Date.now }: StatusStoreOptions) {
    if (!(ttlMs > 0)) throw new RangeError(`ttlMs must be positive, got ${ttlMs}`)
    if (!Number.isInteger(maxFinished) || maxFinished < 0) throw new RangeError(`maxFinished must be a non-negative integer, got ${maxFinished}`)
    this.#maxFinished = maxFinished
    if (!Number.isInteger(historySize) || historySize < 1) throw new RangeError(`historySize must be a positive integer, got ${historySize}`)
    this.#ttlMs = ttlMs
    this.#historySize = historySize
    this.#now = now
    this.#sweeper = setInterval(() => this.#sweep(), Math.min(ttlMs, MAX_SWEEP_INTERVAL_MS)).unref()
  }

  /**
   * Starts a run: the entry becomes generating at 0 %, replacing a finished one. Returns false,
   * changing nothing, if the topic is already generating — the check and the change are one step,
   * so two concurrent requests cannot both start it.
   */
  begin (topicId: number, currentStep: string, ownerId?: string): boolean {
    const previous = this.#entry(topicId)
    if (previous && !isTerminal(current(previous).status)) return false
    // The old run's events are dropped but its sequence goes on, so an id a client still holds
    // from that run can never be mistaken for one of the new run.
    const entry: Entry = { history: [], lastId: previous?.lastId ?? 0, ownerId }
    this.#entries.set(topicId, entry)
    this.#finishedAt.delete(topicId)
    this.#publish(topicId, entry, {
      topic_id: topicId,
      status: 'generating',
      progress_percent: 0,
      current_step: currentStep,
      started_at: new Date(this.#now()).toISOString(),
      estimated_completion: null,
      artifact_id: null,
      completed_at: null,
      error_message: null
    })
    return true
  }

  /** Progress of a running generation; progress never goes back, and 100 is reserved for complete(). */
  update (topicId: number, patch: ProgressPatch): StatusSnapshot {
    const [entry, previous] = this.#running(topicId, 'update')
    return this.#publish(topicId, entry, {
      ...previous,
      progress_percent: nextProgress(previous.progress_percent, patch.progress_percent),
      current_step: patch.current_step === undefined ? previous.current_step : patch.current_step,
      estimated_completion: patch.estimated_completion === undefined ? previous.estimated_completion : patch.estimated_completion
    })
  }

  /**
   * Takes an event numbered elsewhere (the event log's seq): the way every replica, this one
   * included, learns of a change written to the database. An event no newer than the last one
   * held is a duplicate and is dropped; a generating event after a terminal one starts a new run.
   * Returns whether it was taken.
   */
  apply (topicId: number, event: StatusEvent, ownerId?: string): boolean {
    const previous = this.#entry(topicId)
    if (previous && event.id <= previous.lastId) return false
    let entry = previous
    if (!entry || (isTerminal(current(entry).status) && !isTerminal(event.snapshot.status))) {
      entry = { history: [], lastId: event.id - 1, ownerId: ownerId ?? entry?.ownerId }
      this.#entries.set(topicId, entry)
      this.#finishedAt.delete(topicId)
    }
    if (ownerId !== undefined) entry.ownerId = ownerId
    entry.lastId = event.id - 1
    if (isTerminal(event.snapshot.status)) this.#finish(topicId, entry, event.snapshot)
    else this.#publish(topicId, entry, event.snapshot)
    return true
  }

  /**
   * Older events of the current run, read back from the log, so that a client resuming here with
   * an id this process never saw gets exactly what it missed. Only events before the oldest held
   * are added.
   */
  backfill (topicId: number, events: readonly StatusEvent[]): void {
    const entry = this.#entry(topicId)
    if (!entry) return
    const oldest = entry.history[0]!.id
    const older = events.filter((event) => event.id < oldest).sort((a, b) => a.id - b.id)
    entry.history.unshift(...older.map((event) => Object.freeze({ id: event.id, snapshot: Object.freeze(event.snapshot) })))
    if (entry.history.length > this.#historySize) entry.history.splice(0, entry.history.length - this.#historySize)
  }

  /** Throws if the topic is not generating: a run finishes once. */
  complete (topicId: number, artifactId: number, completedAt?: Date): StatusSnapshot {
    const [entry, previous] = this.#running(topicId, 'complete')
    return this.#finish(topicId, entry, {
      ...previous,
      status: 'completed',
      progress_percent: 100,
      estimated_completion: null,
      artifact_id: artifactId,
      completed_at: (completedAt ?? new Date(this.#now())).toISOString(),
      error_message: null
    })
  }

  /** Throws if the topic is not generating: a run finishes once. */
  fail (topicId: number, errorMessage: string, failedAt?: Date): StatusSnapshot {
    const [entry, previous] = this.#running(topicId, 'fail')
    return this.#finish(topicId, entry, {
      ...previous,
      status: 'failed',
      estimated_completion: null,
      completed_at: (failedAt ?? new Date(this.#now())).toISOString(),
      error_message: errorMessage
    })
  }

  /** The user who began the topic's run, while its entry lives. */
  ownerOf (topicId: number): string | undefined {
    return this.#entry(topicId)?.ownerId
  }

  /** The id of the oldest event held for the topic: a resume from before it needs the log. */
  oldestEventId (topicId: number): number | undefined {
    return this.#entry(topicId)?.history[0]?.id
  }

  /** The topic's status if the user began its run: one read, so the entry cannot expire in between. */
  ownedSnapshot (topicId: number, userId: string): StatusSnapshot | undefined {
    const entry = this.#entry(topicId)
    return entry?.ownerId === userId ? lastEvent(entry)?.snapshot : undefined
  }

  get (topicId: number): StatusSnapshot | undefined {
    return this.latestEvent(topicId)?.snapshot
  }

  /** The last event published for the topic: its id tells whether a reconnecting client has seen it. */
  latestEvent (topicId: number): StatusEvent | undefined {
    const entry = this.#entry(topicId)
    return entry && lastEvent(entry)
  }

  /** The topics held as still generating. */
  generatingTopics (): number[] {
    return [...this.#entries.keys()].filter((topicId) => this.get(topicId)?.status === 'generating')
  }

  /** The seed's is_generating(): part of the store's contract even where callers use begin()'s answer. */
  isGenerating (topicId: number): boolean {
    return this.get(topicId)?.status === 'generating'
  }

  /** Forgets the topic and its history; its open subscriptions end. */
  clear (topicId: number): void {
    this.#entries.delete(topicId)
    this.#finishedAt.delete(topicId)
    for (const subscription of [...this.#subscribers.get(topicId) ?? []]) subscription.end()
  }

  /** Entries held, finished ones included until they expire. */
  get size (): number {
    return this.#entries.size
  }

  /**
   * The topic's events: first what the reader missed — the events after `lastEventId` — or, for a
   * new reader, one event with the current snapshot; then each event as it is published. It ends
   * after a terminal event, when the topic is cleared or the store closed, when `signal` aborts,
   * or at once if the reader has already seen the run's terminal event. A topic with no entry
   * yet is waited for.
   */
  subscribe (topicId: number, options: { lastEventId?: number, signal?: AbortSignal } = {}): Subscription {
    const { lastEventId, signal } = options
    const subscription = new Subscription(this.#historySize)
    if (this.#closed || signal?.aborted) {
      subscription.end()
      return subscription
    }
    const entry = this.#entry(topicId)
    if (entry) {
      for (const event of missedEvents(entry, lastEventId)) subscription.deliver(event)
      if (isTerminal(current(entry).status)) subscription.end()
    }
    if (!subscription.open) return subscription

    let subscribers = this.#subscribers.get(topicId)
    if (!subscribers) this.#subscribers.set(topicId, subscribers = new Set())
    subscribers.add(subscription)
    const onAbort = () => { subscription.return() }
    signal?.addEventListener('abort', onAbort, { once: true })
    subscription.onStop(() => {
      signal?.removeEventListener('abort', onAbort)
      const set = this.#subscribers.get(topicId)
      set?.delete(subscription)
      if (set?.size === 0) this.#subscribers.delete(topicId)
    })
    return subscription
  }

  subscriberCount (topicId?: number): number {
    if (topicId !== undefined) return this.#subscribers.get(topicId)?.size ?? 0
    let total = 0
    for (const subscribers of this.#subscribers.values()) total += subscribers.size
    return total
  }

  /**
   * Ends every subscription and refuses new ones (server shutdown), and stops the sweeper.
   * Status changes are still accepted, for generations that finish while the server drains.
   */
  close (): void {
    this.#closed = true
    clearInterval(this.#sweeper)
    for (const subscribers of [...this.#subscribers.values()]) {
      for (const subscription of [...subscribers]) subscription.end()
    }
  }

  /** The entry, unless it has expired: expiry is exact here, the sweeper only frees the memory. */
  #entry (topicId: number): Entry | undefined {
    const finishedAt = this.#finishedAt.get(topicId)
    if (finishedAt !== undefined && this.#now() - finishedAt >= this.#ttlMs) {
      this.#entries.delete(topicId)
      this.#finishedAt.delete(topicId)
      return undefined
    }
    return this.#entries.get(topicId)
  }

  #running (topicId: number, operation: string): [Entry, StatusSnapshot] {
    const entry = this.#entry(topicId)
    const snapshot = entry && current(entry)
    if (!entry || !snapshot || isTerminal(snapshot.status)) {
      throw new Error(`Cannot ${operation} the status of topic ${topicId}: it is not generating`)
    }
    return [entry, snapshot]
  }

  /**
   * A run's last event: its subscribers get it, and of its history only it stays — what a client
   * that missed the rest needs (a resume by id reads the rest back from the event log; see
   * generation/lifecycle.ts warm()). Finished entries are a bounded cache: the oldest make room.
   */
  #finish (topicId: number, entry: Entry, snapshot: StatusSnapshot): StatusSnapshot {
    this.#finishedAt.delete(topicId)
    this.#finishedAt.set(topicId, this.#now())
    const final = this.#publish(topicId, entry, snapshot)
    entry.history.splice(0, entry.history.length - 1)
    for (const [oldest] of this.#finishedAt) {
      if (this.#finishedAt.size <= this.#maxFinished) break
      this.#finishedAt.delete(oldest)
      this.#entries.delete(oldest)
    }
    return final
  }

  /** Synchronous and O(subscribers): each subscriber only queues the event. */
  #publish (topicId: number, entry: Entry, snapshot: StatusSnapshot): StatusSnapshot {
    const frozen = Object.freeze(snapshot)
    const event: StatusEvent = Object.freeze({ id: ++entry.lastId, snapshot: frozen })
    entry.history.push(event)
    if (entry.history.length > this.#historySize) entry.history.shift()
    for (const subscription of this.#subscribers.get(topicId) ?? []) subscription.deliver(event)
    return frozen
  }

  #sweep (): void {
    const now = this.#now()
    for (const [topicId, finishedAt] of this.#finishedAt) {
      if (now - finishedAt < this.#ttlMs) break
      this.#finishedAt.delete(topicId)
      this.#entries.delete(topicId)
    }
  }
}

function lastEvent (entry: Entry): StatusEvent | undefined {
  return entry.history[entry.history.length - 1]
}

function current (entry: Entry): StatusSnapshot {
  return lastEvent(entry)!.snapshot
}

function nextProgress (previous: number, requested: number | undefined): number {
  if (requested === undefined || !Number.isFinite(requested)) return previous
  return Math.min(99, Math.max(previous, Math.round(requested)))
}

/**
 * What a reader that last saw `lastEventId` needs. An id past the newest one comes from an older
 * incarnation of the topic (entry expired or process restarted), and one whose successors have
 * left the history cannot be resumed exactly: both get the current snapshot, which is what
 * the missed events add up to.
 */
function missedEvents (entry: Entry, lastEventId: number | undefined): StatusEvent[] {
  const { history, lastId } = entry
  const latest = history[history.length - 1]!
  if (lastEventId === undefined || lastEventId > lastId || lastEventId < history[0]!.id - 1) return [latest]
  return history.filter((event) => event.id > lastEventId)
}
