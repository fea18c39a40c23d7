import type { Database } from '../db/client.js'
import type { TopicRow } from '../db/schema.js'
import { generationStatusNotFound } from '../errors.js'
import { getOwnTopic } from '../topics/repository.js'
import { persistedStatus } from './persisted.js'
import { withReportText, type ReportTexts, type TextPiece } from './report-text.js'
import type { StatusStore } from './store.js'
import { paceStatusStream, type StreamItem, type StreamLimits } from './stream-pacing.js'
import { isTerminal, type StatusEvent, type StatusSnapshot } from './types.js'

/** What a process needs of the generation lifecycle to answer for runs it does not hold. */
export interface RunHistory {
  /** Loads the topic's latest event (and, resuming after `afterSeq`, the ones missed) into the hot copy. */
  warm: (topic: TopicRow, afterSeq?: number) => Promise<void>
  /** The Markdown of the reports being written. */
  texts: ReportTexts
}

/**
 * The id of a completion known only from the topic row (a run finished before the event log
 * existed). Logged runs number their events from 1, so a client echoing 0 back has seen it.
 */
export const PERSISTED_COMPLETION_ID = 0

export interface FollowOptions {
  /** The last event the client saw (SSE Last-Event-ID). */
  lastEventId?: number
  /** Also the report's Markdown as it is written. */
  includeText?: boolean
  /** Ends the following (the client went away). */
  signal: AbortSignal
  pacing: StreamLimits
}

/** What following a run gives: nothing (the client has seen its end), or the events to send. */
export type Following =
  | { delivered: true }
  | {
    delivered: false
    /** Sent first: the status known only from the topic row, with its id when it is final. */
    first?: StatusEvent | { id: undefined, snapshot: StatusSnapshot }
    /** Then these, as they happen (none after a final `first`). */
    rest?: AsyncIterable<StreamItem<StatusEvent | TextPiece>>
  }

/**
 * The "read status" and "follow a stream" use cases, and the one rule both rest on: a run's status
 * is this process's hot copy, else the event log (another replica's run, or one this process has
 * forgotten — the hot copy keeps it from then on), else what the topic row says.
 */
export class StatusReader {
  constructor (private readonly db: Database, private readonly store: StatusStore, private readonly runs: RunHistory) {}

  /** The caller's topic's status; 404 if it is not theirs or never started generating. */
  async readStatus (userId: string, topicId: number): Promise<StatusSnapshot> {
    // Polling is the hot path: a run of the caller's own is answered from memory alone.
    const held = this.store.ownedSnapshot(topicId, userId)
    if (held) return held
    const status = await this.statusOf(await getOwnTopic(this.db, userId, topicId))
    if (!status) throw generationStatusNotFound(topicId)
    return status
  }

  /** The topic's status by the rule above; undefined if it never started generating. */
  async statusOf (topic: TopicRow): Promise<StatusSnapshot | undefined> {
    await this.runs.warm(topic)
    return this.store.get(topic.id) ?? await persistedStatus(this.db, topic)
  }

  /**
   * The caller's topic's events from where the client left off: what it missed (ids are the event
   * log's seqs, the same on every replica), then each change until the run ends. A client that has
   * already seen the final event gets nothing, so it stops reconnecting.
   */
  async followStatus (userId: string, topicId: number, options: FollowOptions): Promise<Following> {
    const { lastEventId, signal } = options
    const topic = await getOwnTopic(this.db, userId, topicId)
    await this.runs.warm(topic, lastEventId)
    let latest = this.store.latestEvent(topic.id)
    const persisted = latest ? undefined : await persistedStatus(this.db, topic)
    // A run may have begun while the database answered. From here to subscribe() nothing awaits,
    // so no event can fall between what we looked at and what the subscription delivers.
    latest ??= this.store.latestEvent(topic.id)
    if (!latest && !persisted) throw generationStatusNotFound(topic.id)

    const delivered = latest
      ? isTerminal(latest.snapshot.status) && lastEventId === latest.id
      : isTerminal(persisted!.status) && lastEventId === PERSISTED_COMPLETION_ID
    if (delivered) return { delivered: true }

    if (!latest && isTerminal(persisted!.status)) return { delivered: false, first: { id: PERSISTED_COMPLETION_ID, snapshot: persisted! } }
    // Without an entry the database says generating (the run is being set up, or was cut off by a
    // restart): show that, then wait for the run's live events.
    const first = latest ? undefined : { id: undefined, snapshot: persisted! }
    const events = this.store.subscribe(topic.id, { lastEventId, signal })
    const source = options.includeText ? withReportText<StatusEvent>(events, this.runs.texts, topic.id, signal) : events
    return { delivered: false, first, rest: paceStatusStream<StatusEvent | TextPiece>(source, options.pacing) }
  }
}
