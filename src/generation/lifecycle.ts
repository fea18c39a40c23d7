import { setTimeout as sleep } from 'node:timers/promises'
import { and, asc, eq, isNull, sql } from 'drizzle-orm'
import type { FastifyBaseLogger } from 'fastify'
import type { Database, DatabaseHandle, Unlisten } from '../db/client.js'
import { topics, type PlanSection, type TopicRow } from '../db/schema.js'
import { conflict } from '../errors.js'
import type { StatusStore } from '../status/store.js'
import { type ProgressPatch, type StatusEvent, type StatusSnapshot } from '../status/types.js'
import { ReportTexts, type TextPiece } from '../status/report-text.js'
import { resolveTemplate } from '../templates/repository.js'
import { getOwnTopic } from '../topics/repository.js'
import { appendEvent, DELETED_CHANNEL, eventsAfter, EVENTS_CHANNEL, latestEvent, rowsOf, TEXT_CHANNEL, type EventNotice, type TextNotice } from './event-log.js'

export const CONFLICT_MESSAGE = '이 주제의 보고서를 이미 생성하고 있습니다. 진행 상황을 확인하거나, 생성을 취소한 뒤 다시 시도해 주세요.'
export const INTERRUPTED_MESSAGE = '서버가 다시 시작되어 생성이 중단되었습니다 (interrupted). 다시 시도해 주세요.'
export const CANCELLED_STEP = '사용자 요청으로 생성이 취소되었습니다'

export const exhaustedMessage = (attempts: number) =>
  `보고서를 작성하던 서버가 ${attempts}번 연속으로 중단되어 생성을 마치지 못했습니다. 잠시 후 다시 시도해 주세요.`

/** One run of a topic: the pg-boss job that writes it. Every write of a run is guarded by both. */
export interface Run {
  topicId: number
  jobId: string
  /**
   * The job's attempt doing the writing, once it has started: a retry keeps the job, so only this
   * tells a cut-off attempt still unwinding from the one that took the job up after it.
   */
  attempt?: number
}

export interface ClaimRequest {
  userId: string
  /** The caller's topic to generate again; without it a new topic is made. */
  topicId?: number
  topic: string
  /** The caller's or a shared template; without it the default. */
  templateId?: number | null
  plan: string
  sections: PlanSection[]
  jobId: string
}

/** A claimed run's topic and its first event. */
export interface Claim {
  topicId: number
  event: StatusEvent
}

/** The run's row no longer names it (cancelled, or replaced by a newer run): it must write nothing. */
export class RunSupersededError extends Error {
  override name = 'RunSupersededError'
}

type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0]

export interface LifecycleOptions {
  database: DatabaseHandle
  store: StatusStore
  log: FastifyBaseLogger
  maxAttempts: number
}

const iso = (date: Date) => date.toISOString()

function parse<T> (payload: string): T | undefined {
  try {
    return JSON.parse(payload) as T
  } catch {
    return undefined
  }
}

const WAITING_NEXT = '생성 대기 중: 곧 작성을 시작합니다'
/** A format() string for PostgreSQL and for waitingStep: the reports ahead, then the place in line. */
const WAITING_BEHIND = '생성 대기 중: 앞에 %s건이 있습니다 (대기 순서 %s번째)'

function waitingStep (ahead: number): string {
  return ahead === 0 ? WAITING_NEXT : WAITING_BEHIND.replace('%s', String(ahead)).replace('%s', String(ahead + 1))
}

/** How often, at most, the reports waiting in line are told their new place. */
const QUEUE_PLACES_INTERVAL_MS = 1000

const runGuard = (run: Run) => run.attempt === undefined
  ? sql`status = 'generating' and generation_job_id = ${run.jobId}`
  : sql`status = 'generating' and generation_job_id = ${run.jobId} and generation_attempt = ${run.attempt}`

/**
 * The state machine of a report generation — queued → generating → completed | failed | cancelled —
 * and the only writer of a topic's generation state. Routes, workers, recovery and shutdown call it.
 *
 * Every change is one event appended to the topic's log in the same statement as the row change
 * (see event-log.ts); the NOTIFY it raises feeds every replica's in-memory store, this one's too,
 * so /status and the streams answer alike on any replica, with the log's seq as the event id.
 */
export class GenerationLifecycle {
  readonly #db: Database
  readonly #database: DatabaseHandle
  readonly #store: StatusStore
  readonly #log: FastifyBaseLogger
  readonly #maxAttempts: number
  readonly #watchers = new Map<number, (snapshot: StatusSnapshot) => void>()
  /** The Markdown of the reports being written, on every replica (for `?include=text` streams). */
  readonly texts = new ReportTexts()
  #unlisten: Unlisten[] = []

  constructor ({ database, store, log, maxAttempts }: LifecycleOptions) {
    this.#database = database
    this.#db = database.db
    this.#store = store
    this.#log = log
    this.#maxAttempts = maxAttempts
  }

  /** Starts following the other replicas' changes (and this one's: its own NOTIFYs come back too). */
  async listen (): Promise<void> {
    this.#unlisten.push(await this.#database.listen(EVENTS_CHANNEL, (payload) => {
      const notice = parse<EventNotice>(payload)
      if (notice) this.#ingest(notice.t, { id: notice.s, snapshot: notice.e }, notice.u)
    }, () => { this.#catchUp().catch((error: unknown) => this.#log.warn({ err: error }, 'could not read the events missed while not listening')) }))
    this.#unlisten.push(await this.#database.listen(TEXT_CHANNEL, (payload) => {
      const notice = parse<TextNotice>(payload)
      if (notice && this.#store.get(notice.t)?.status === 'generating') this.texts.append(notice.t, { offset: notice.o, text: notice.x })
    }))
    this.#unlisten.push(await this.#database.listen(DELETED_CHANNEL, (payload) => {
      const topicId = Number(payload)
      if (Number.isSafeInteger(topicId)) this.#store.clear(topicId)
    }))
  }

  /**
   * After a topic's deletion: its last run's status leaves this process's hot copy at once and
   * every other replica's when the notice arrives (a replica that misses it lets it expire).
   */
  async deleted (topicId: number): Promise<void> {
    this.#store.clear(topicId)
    try {
      await this.#db.execute(sql`select pg_notify(${DELETED_CHANNEL}, ${String(topicId)})`)
    } catch (error) {
      this.#log.warn({ err: error, topicId }, 'could not tell the other replicas that a topic was deleted')
    }
  }

  async close (): Promise<void> {
    clearTimeout(this.#placesTimer)
    this.#placesTimer = undefined
    await this.#refreshing
    const unlisten = this.#unlisten.splice(0)
    await Promise.allSettled(unlisten.map((stop) => stop()))
  }

  /** Publishes a piece of the report's text to every replica; not logged (the saved Markdown is the record). */
  async publishText (run: Run, piece: TextPiece): Promise<void> {
    const notice: TextNotice = { t: run.topicId, o: piece.offset, x: piece.text }
    await this.#db.execute(sql`select pg_notify(${TEXT_CHANNEL}, ${JSON.stringify(notice)})`)
  }

  /** Called with every change of the topic that reaches this process, while the run is written here. */
  watch (topicId: number, onChange: (snapshot: StatusSnapshot) => void): () => void {
    this.#watchers.set(topicId, onChange)
    return () => { if (this.#watchers.get(topicId) === onChange) this.#watchers.delete(topicId) }
  }

  /**
   * Takes a change into the hot copy in seq order. A gap (an event this process has not seen yet
   * lies between) is filled from the log first, so a stream here misses nothing.
   */
  #ingest (topicId: number, event: StatusEvent, ownerId: string): void {
    const held = this.#store.latestEvent(topicId)
    if (held && event.id <= held.id) return
    if (held && event.id > held.id + 1) {
      eventsAfter(this.#db, topicId, held.id).then(
        (missed) => { for (const each of missed) this.#take(topicId, each, ownerId) },
        (error: unknown) => {
          this.#log.warn({ err: error, topicId }, 'could not read missed events from the log; taking the newest')
          this.#take(topicId, event, ownerId)
        })
      return
    }
    this.#take(topicId, event, ownerId)
  }

  /**
   * The LISTEN connection is (back) in place: the runs held here as generating read their latest
   * event from the log, since the notice of their end may have been sent while it was down.
   */
  async #catchUp (): Promise<void> {
    for (const topicId of this.#store.generatingTopics()) {
      const latest = await latestEvent(this.#db, topicId)
      if (latest) this.#ingest(topicId, latest, this.#store.ownerOf(topicId) ?? '')
    }
  }

  #take (topicId: number, event: StatusEvent, ownerId: string): void {
    if (!this.#store.apply(topicId, event, ownerId)) return
    if (event.snapshot.status !== 'generating') this.texts.clear(topicId)
    this.#watchers.get(topicId)?.(event.snapshot)
  }

  /** The topic's current status: the hot copy, else the log (this replica may have started since). */
  async current (topicId: number): Promise<StatusEvent | undefined> {
    const held = this.#store.latestEvent(topicId)
    if (held) return held
    return latestEvent(this.#db, topicId)
  }

  /**
   * Loads what this process does not hold of the topic's run into the hot copy: its latest event,
   * and, for a client resuming after `afterSeq`, the events it missed.
   */
  async warm (topic: TopicRow, afterSeq?: number): Promise<void> {
    const oldest = this.#store.oldestEventId(topic.id)
    if (oldest === undefined) {
      const latest = await latestEvent(this.#db, topic.id)
      if (!latest) return
      this.#take(topic.id, latest, topic.userId)
    }
    const first = this.#store.oldestEventId(topic.id)
    if (afterSeq !== undefined && first !== undefined && afterSeq < first - 1) {
      this.#store.backfill(topic.id, await eventsAfter(this.#db, topic.id, afterSeq, first - afterSeq - 1))
    }
  }

  /**
   * queued: claims a topic for a new run — a new topic, or the caller's own that is not generating
   * (on any replica: the conditional write is the lock) — inside the caller's transaction, which
   * also records the job, so both or neither happen. One statement does it all, since /generate
   * waits on every round trip: the template check, the row, the dropped history of an earlier run,
   * the first event with the run's place in line, and the NOTIFY. When nothing was claimed, the
   * reason is looked up only then: no such template or topic for the user (404s, a topic deleted
   * since the caller saw it included), else a run in progress (409).
   */
  async claim (tx: Transaction, request: ClaimRequest): Promise<Claim> {
    const startedAt = iso(new Date())
    // topic_id and current_step are filled in by the statement; the rest of the shape is this one.
    const first: StatusSnapshot = {
      topic_id: 0,
      status: 'generating',
      progress_percent: 0,
      current_step: null,
      started_at: startedAt,
      estimated_completion: null,
      artifact_id: null,
      completed_at: null,
      error_message: null
    }
    const template = request.templateId == null
      ? sql`is_default`
      : sql`id = ${request.templateId} and (owner_id is null or owner_id = ${request.userId})`
    const sections = JSON.stringify(request.sections)
    const claimed = request.topicId === undefined
      ? sql`
        insert into topics (user_id, topic, template_id, plan, plan_sections, status, generation_started_at, generation_job_id, generation_attempt, event_seq, updated_at)
        select ${request.userId}, ${request.topic}, template.id, ${request.plan}, ${sections}::jsonb, 'generating', ${startedAt}::timestamptz, ${request.jobId}, 0, 1, ${startedAt}::timestamptz
        from template
        returning id, user_id, event_seq`
      : sql`
        update topics set topic = ${request.topic}, template_id = template.id, plan = ${request.plan}, plan_sections = ${sections}::jsonb,
          status = 'generating', generation_started_at = ${startedAt}::timestamptz, generation_completed_at = null, generation_error = null,
          generation_job_id = ${request.jobId}, generation_attempt = 0, event_seq = event_seq + 1, updated_at = ${startedAt}::timestamptz
        from template
        where topics.id = ${request.topicId} and topics.user_id = ${request.userId} and topics.status <> 'generating'
        returning topics.id, topics.user_id, topics.event_seq`
    const result = await tx.execute(sql`
      with template as (
        select id from templates where ${template} limit 1
      ), ahead as (
        select count(*)::int as n from topics
        where status = 'generating' and generation_attempt = 0 and generation_started_at < ${startedAt}::timestamptz
      ), claimed as (${claimed}
      ), dropped as (
        -- A new run starts a new history; its seqs go on from the old run's, so no id repeats.
        delete from generation_events where topic_id in (select id from claimed)
      ), first as (
        select claimed.id, claimed.user_id, claimed.event_seq, ahead.n,
          ${JSON.stringify(first)}::jsonb || jsonb_build_object('topic_id', claimed.id, 'current_step',
            case when ahead.n = 0 then ${WAITING_NEXT} else format(${WAITING_BEHIND}, ahead.n, ahead.n + 1) end) as event
        from claimed, ahead
      ), logged as (
        insert into generation_events (topic_id, seq, event) select id, event_seq, event from first
      )
      select id, event_seq, n, pg_notify(${EVENTS_CHANNEL}, json_build_object('t', id, 's', event_seq, 'e', event, 'u', user_id)::text)
      from first`)
    const [row] = rowsOf<{ id: number, event_seq: number, n: number }>(result)
    if (!row) {
      await resolveTemplate(tx, request.userId, request.templateId)
      if (request.topicId !== undefined) await getOwnTopic(tx, request.userId, request.topicId)
      throw conflict(CONFLICT_MESSAGE)
    }
    const topicId = Number(row.id)
    return { topicId, event: { id: Number(row.event_seq), snapshot: { ...first, topic_id: topicId, current_step: waitingStep(Number(row.n)) } } }
  }

  /** After the claim's transaction has committed: this replica shows it at once, before its NOTIFY arrives. */
  claimed (topicId: number, event: StatusEvent, ownerId: string): void {
    this.#ingest(topicId, event, ownerId)
  }

  /** queued → generating: a worker took the job up (again, after a crash or a deploy, from the start). */
  async started (run: Run, attempt: number): Promise<void> {
    const previous = await this.#snapshotOf(run.topicId)
    // Whichever attempt held the run before, this one takes it over.
    await this.#append({ topicId: run.topicId, jobId: run.jobId }, {
      ...previous,
      status: 'generating',
      progress_percent: attempt === 1 ? 5 : 1,
      current_step: attempt === 1 ? '보고서 작성 요청 중' : `재시도 중 (${attempt}/${this.#maxAttempts}): 중단된 보고서를 처음부터 다시 작성합니다`,
      estimated_completion: null,
      error_message: null
    }, sql`generation_attempt = ${attempt}`)
    this.#queueMoved()
  }

  /** Progress of the run. Progress never goes back within an attempt, and 100 is for completed. */
  async progress (run: Run, patch: ProgressPatch): Promise<void> {
    const previous = await this.#snapshotOf(run.topicId)
    const next: StatusSnapshot = {
      ...previous,
      progress_percent: patch.progress_percent === undefined
        ? previous.progress_percent
        : Math.min(99, Math.max(previous.progress_percent, Math.round(patch.progress_percent))),
      current_step: patch.current_step === undefined ? previous.current_step : patch.current_step,
      estimated_completion: patch.estimated_completion === undefined ? previous.estimated_completion : patch.estimated_completion
    }
    if (next.progress_percent === previous.progress_percent && next.current_step === previous.current_step &&
      next.estimated_completion === previous.estimated_completion) return
    await this.#append(run, next)
  }

  /**
   * generating → completed, together with what `save` writes (the artifacts) in one transaction:
   * a run that was cancelled or superseded meanwhile saves nothing.
   */
  async complete (run: Run, save: (tx: Transaction) => Promise<number>): Promise<StatusSnapshot> {
    const previous = await this.#snapshotOf(run.topicId)
    const completedAt = new Date()
    const { seq, snapshot } = await this.#db.transaction(async (tx) => {
      // The row is locked first: a cancel either lands before (and this saves nothing) or waits
      // for this commit (and answers completed).
      const locked = await tx.execute(sql`select id from topics where id = ${run.topicId} and ${runGuard(run)} for update`)
      if (rowsOf(locked).length === 0) throw new RunSupersededError(`topic ${run.topicId} is no longer run by job ${run.jobId}`)
      const artifactId = await save(tx)
      const final: StatusSnapshot = {
        ...previous, status: 'completed', progress_percent: 100, estimated_completion: null, artifact_id: artifactId, completed_at: iso(completedAt), error_message: null
      }
      const logged = await appendEvent(tx, {
        topicId: run.topicId,
        snapshot: final,
        guard: runGuard(run),
        set: sql`status = 'completed', generation_completed_at = ${iso(completedAt)}::timestamptz, generation_error = null`
      })
      return { seq: logged!, snapshot: final }
    })
    this.#take(run.topicId, { id: seq, snapshot }, await this.#ownerOf(run.topicId))
    return snapshot
  }

  /**
   * generating → failed, with a message the user can read. A terminal state that cannot be written
   * (the database is away) is tried again until it is, so memory and the database never disagree —
   * unless `signal` says this process is going away, when the job's retry takes over.
   */
  async fail (run: Run, message: string, signal?: AbortSignal): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        const previous = await this.#snapshotOf(run.topicId)
        const failedAt = new Date()
        await this.#append(run, {
          ...previous,
          status: 'failed',
          estimated_completion: null,
          completed_at: iso(failedAt),
          error_message: message
        }, sql`status = 'failed', generation_completed_at = ${iso(failedAt)}::timestamptz, generation_error = ${message}`)
        return
      } catch (error) {
        if (error instanceof RunSupersededError || signal?.aborted) throw error
        this.#log.error({ err: error, topicId: run.topicId }, 'could not record the failure; trying again')
        await sleep(Math.min(5000, 200 * 2 ** attempt), undefined, signal ? { signal } : undefined)
      }
    }
  }

  /**
   * The process is going away mid-run: the job goes back to the queue (pg-boss fails the attempt,
   * and a worker here after a restart or on another replica takes it up again from the start).
   */
  async handBack (run: Run, attempt: number): Promise<void> {
    const previous = await this.#snapshotOf(run.topicId)
    const next = attempt < this.#maxAttempts
      ? `서버가 다시 시작되어 작성이 중단되었습니다. 곧 처음부터 다시 작성합니다 (다음 시도 ${attempt + 1}/${this.#maxAttempts})`
      : '서버가 다시 시작되어 작성이 중단되었습니다'
    await this.#append(run, { ...previous, status: 'generating', current_step: next, estimated_completion: null }, sql`generation_attempt = 0`)
  }

  /**
   * generating → cancelled, from any replica. Idempotent: a topic that is not generating answers
   * its current status. Returns the snapshot and the job to take off the queue, if any.
   */
  async cancel (topic: TopicRow): Promise<{ snapshot: StatusSnapshot | undefined, jobId: string | null }> {
    if (topic.status !== 'generating') return { snapshot: (await this.current(topic.id))?.snapshot, jobId: null }
    const previous = await this.#snapshotOf(topic.id)
    const cancelledAt = new Date()
    const snapshot: StatusSnapshot = {
      ...previous,
      status: 'cancelled',
      current_step: CANCELLED_STEP,
      estimated_completion: null,
      completed_at: iso(cancelledAt),
      error_message: null
    }
    const seq = await appendEvent(this.#db, {
      topicId: topic.id,
      snapshot,
      guard: sql`status = 'generating' and generation_job_id is not distinct from ${topic.generationJobId}`,
      set: sql`status = 'cancelled', generation_completed_at = ${iso(cancelledAt)}::timestamptz, generation_error = null`
    })
    if (seq === undefined) {
      // It finished (or was cancelled) between our read and our write: that state is the answer.
      return { snapshot: (await latestEvent(this.#db, topic.id))?.snapshot, jobId: null }
    }
    this.#take(topic.id, { id: seq, snapshot }, topic.userId)
    return { snapshot, jobId: topic.generationJobId }
  }

  /**
   * Topics left generating with no job to finish them (written before jobs were durable) can never
   * finish: say so instead of showing them generating forever. Topics with a job are the queue's.
   */
  async failOrphans (): Promise<number> {
    const orphans = await this.#db.select({ id: topics.id }).from(topics)
      .where(and(eq(topics.status, 'generating'), isNull(topics.generationJobId)))
    for (const { id } of orphans) {
      const failedAt = new Date()
      const previous = await this.#snapshotOf(id)
      await appendEvent(this.#db, {
        topicId: id,
        snapshot: { ...previous, status: 'failed', estimated_completion: null, completed_at: iso(failedAt), error_message: INTERRUPTED_MESSAGE },
        guard: sql`status = 'generating' and generation_job_id is null`,
        set: sql`status = 'failed', generation_completed_at = ${iso(failedAt)}::timestamptz, generation_error = ${INTERRUPTED_MESSAGE}`
      })
    }
    if (orphans.length > 0) this.#log.warn({ topicIds: orphans.map((o) => o.id) }, 'marked generations without a job as failed')
    return orphans.length
  }

  async #append (run: Run, snapshot: StatusSnapshot, set?: ReturnType<typeof sql>): Promise<void> {
    const seq = await appendEvent(this.#db, { topicId: run.topicId, snapshot, guard: runGuard(run), set })
    if (seq === undefined) throw new RunSupersededError(`topic ${run.topicId} is no longer run by job ${run.jobId}`)
    this.#take(run.topicId, { id: seq, snapshot }, await this.#ownerOf(run.topicId))
  }

  async #snapshotOf (topicId: number): Promise<StatusSnapshot> {
    const event = await this.current(topicId)
    if (event) return event.snapshot
    const [row] = await this.#db.select().from(topics).where(eq(topics.id, topicId))
    return {
      topic_id: topicId,
      status: 'generating',
      progress_percent: 0,
      current_step: null,
      started_at: row?.generationStartedAt ? iso(row.generationStartedAt) : null,
      estimated_completion: null,
      artifact_id: null,
      completed_at: null,
      error_message: null
    }
  }

  async #ownerOf (topicId: number): Promise<string> {
    const owner = this.#store.ownerOf(topicId)
    if (owner !== undefined) return owner
    const [row] = await this.#db.select({ userId: topics.userId }).from(topics).where(eq(topics.id, topicId))
    return row?.userId ?? ''
  }

  #refreshing: Promise<void> | undefined
  /** The queue moved again while a refresh was running: it runs once more, with the new places. */
  #refreshAgain = false
  #placesTimer: NodeJS.Timeout | undefined
  #placesRefreshedAt = 0

  /**
   * A report left the line: the ones still waiting learn their new place, at most once every
   * QUEUE_PLACES_INTERVAL_MS. Under load every start moves the line, and writing ten places per
   * start took the database from the requests.
   */
  #queueMoved (): void {
    if (this.#placesTimer) return
    const wait = Math.max(0, this.#placesRefreshedAt + QUEUE_PLACES_INTERVAL_MS - Date.now())
    this.#placesTimer = setTimeout(() => {
      this.#placesTimer = undefined
      this.#placesRefreshedAt = Date.now()
      this.#refreshQueuePlaces().catch(() => {})
    }, wait)
  }

  /** The queue moved: the reports still waiting learn their new place (the first few; coalesced). */
  async #refreshQueuePlaces (): Promise<void> {
    if (this.#refreshing) {
      this.#refreshAgain = true
      return
    }
    this.#refreshing = (async () => {
      do {
        this.#refreshAgain = false
        const waiting = await this.#db.select({ id: topics.id, jobId: topics.generationJobId }).from(topics)
          .where(and(eq(topics.status, 'generating'), eq(topics.generationAttempt, 0)))
          .orderBy(asc(topics.generationStartedAt))
          .limit(10)
        for (const [ahead, row] of waiting.entries()) {
          const step = waitingStep(ahead)
          const held = this.#store.get(row.id)
          if (!row.jobId || held?.current_step === step || (held && held.progress_percent > 0)) continue
          // Attempt 0 is "still waiting": a report whose worker started it meanwhile is left alone.
          await this.progress({ topicId: row.id, jobId: row.jobId, attempt: 0 }, { current_step: step }).catch(() => {})
        }
      } while (this.#refreshAgain)
    })().finally(() => { this.#refreshing = undefined })
    await this.#refreshing.catch((error: unknown) => this.#log.warn({ err: error }, 'could not refresh queue places'))
  }

  get maxAttempts (): number {
    return this.#maxAttempts
  }
}
