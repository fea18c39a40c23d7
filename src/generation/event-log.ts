import { and, asc, desc, eq, gt, sql, type SQL } from 'drizzle-orm'
import type { Database } from '../db/client.js'
import { generationEvents } from '../db/schema.js'
import type { StatusEvent, StatusSnapshot } from '../status/types.js'

/** The NOTIFY channel every replica listens on for new events. */
export const EVENTS_CHANNEL = 'reportflow_generation_events'

/** The NOTIFY channel a deleted topic's id goes out on, so no replica answers its status from memory. */
export const DELETED_CHANNEL = 'reportflow_topic_deleted'

/** The NOTIFY channel the text of reports being written goes out on (not logged). */
export const TEXT_CHANNEL = 'reportflow_generation_text'

/** A NOTIFY payload: a piece of a report's Markdown at a character offset. */
export interface TextNotice {
  t: number
  o: number
  x: string
}

/** A NOTIFY payload: one appended event. Short keys, since NOTIFY payloads are capped at 8 000 bytes. */
export interface EventNotice {
  t: number
  s: number
  e: StatusSnapshot
  /** The topic's owner, so a replica can answer its /status from memory. */
  u: string
}

type Executor = Pick<Database, 'execute'>

/** postgres.js answers execute() with the rows, PGlite with { rows }. */
export function rowsOf<T> (result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[]
}

export interface AppendOptions {
  topicId: number
  snapshot: StatusSnapshot
  /** The condition the topic row must meet for the change to happen at all (its run still current…). */
  guard: SQL
  /** Columns of the topic row that change with this event, as `column = value` pairs. */
  set?: SQL
}

/**
 * Appends one event and makes the topic's state change that goes with it, in one statement: the
 * seq is bumped under the topic row's lock (so it never collides across replicas), the event is
 * logged, and a NOTIFY tells every replica, delivered when the surrounding transaction commits.
 * Returns the seq, or undefined when the guard did not hold and nothing was written.
 */
export async function appendEvent (db: Executor, { topicId, snapshot, guard, set }: AppendOptions): Promise<number | undefined> {
  const json = JSON.stringify(snapshot)
  const result = await db.execute(sql`
    with bumped as (
      update topics set event_seq = event_seq + 1, updated_at = now()${set ? sql`, ${set}` : sql``}
      where id = ${topicId} and ${guard}
      returning id, event_seq, user_id
    ), logged as (
      insert into generation_events (topic_id, seq, event)
      select id, event_seq, ${json}::jsonb from bumped
      returning topic_id, seq
    )
    select logged.seq, pg_notify(${EVENTS_CHANNEL}, json_build_object('t', logged.topic_id, 's', logged.seq, 'e', ${json}::jsonb, 'u', bumped.user_id)::text)
    from logged join bumped on bumped.id = logged.topic_id`)
  const [row] = rowsOf<{ seq: number }>(result)
  return row === undefined ? undefined : Number(row.seq)
}

/** The topic's events after `afterSeq`, oldest first. */
export async function eventsAfter (db: Database, topicId: number, afterSeq: number, limit = 500): Promise<StatusEvent[]> {
  const rows = await db.select({ seq: generationEvents.seq, event: generationEvents.event }).from(generationEvents)
    .where(and(eq(generationEvents.topicId, topicId), gt(generationEvents.seq, afterSeq)))
    .orderBy(asc(generationEvents.seq))
    .limit(limit)
  return rows.map((row) => ({ id: row.seq, snapshot: row.event as StatusSnapshot }))
}

export async function latestEvent (db: Database, topicId: number): Promise<StatusEvent | undefined> {
  const [row] = await db.select({ seq: generationEvents.seq, event: generationEvents.event }).from(generationEvents)
    .where(eq(generationEvents.topicId, topicId))
    .orderBy(desc(generationEvents.seq))
    .limit(1)
  return row && { id: row.seq, snapshot: row.event as StatusSnapshot }
}

/**
 * Keeps the log small: of a run that finished more than `olderThanMs` ago only the final event
 * stays (the answer for /status and the stream's completion), the progress before it goes.
 */
export async function pruneFinishedRuns (db: Database, olderThanMs: number): Promise<number> {
  const result = await db.execute(sql`
    delete from generation_events e
    using topics t
    where t.id = e.topic_id
      and t.status in ('completed', 'failed', 'cancelled')
      and t.generation_completed_at < now() - make_interval(secs => ${olderThanMs / 1000})
      and e.seq < t.event_seq
    returning e.seq`)
  return rowsOf(result).length
}
