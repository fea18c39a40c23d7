import { randomUUID } from 'node:crypto'
import { eq, sql } from 'drizzle-orm'
import type { FastifyBaseLogger } from 'fastify'
import type { DrizzleTransactionLike, Job, PgBoss } from 'pg-boss'
import { saveFinishedReport } from '../artifacts/repository.js'
import type { DatabaseHandle } from '../db/client.js'
import { topics } from '../db/schema.js'
import { AppError, conflict } from '../errors.js'
import { IncompleteReportError, InvalidModelOutputError, LlmServiceError, ReportTooLongError, type LlmProvider } from '../llm/provider.js'
import { parsePlanMarkdown } from '../planning/plan-markdown.js'
import { StatusReader } from '../status/reader.js'
import type { StatusStore } from '../status/store.js'
import type { StatusSnapshot } from '../status/types.js'
import { resolveTemplate } from '../templates/repository.js'
import { getOwnTopic } from '../topics/repository.js'
import { BackgroundLane, throughLane } from './background-lane.js'
import { ConversionPool } from './conversion-pool.js'
import { pruneFinishedRuns } from './event-log.js'
import { fingerprint, forgetExpired, remember, replay } from './idempotency.js'
import { exhaustedMessage, GenerationLifecycle, RunSupersededError, type Claim, type Run } from './lifecycle.js'
import { FinishingTime, ProgressTracker } from './progress.js'
import { reportUserPrompt } from './prompts.js'
import { openJobQueue, REPORT_DEAD_QUEUE, REPORT_QUEUE, type ReportJobData } from './queue.js'

export interface GenerationRequest {
  userId: string
  topic: string
  plan: string
  templateId?: number | null
  topicId?: number
  /** The request that asked for it: the job's log lines carry it. */
  requestId?: string
}

/** Told how each generation ended (for metrics); the service works the same without one. */
export interface GenerationObserver {
  /** Without a duration when the run's writing time is unknown (a job given up after its attempts). */
  generationFinished: (outcome: 'completed' | 'failed', durationMs?: number) => void
}

export interface GenerationServiceOptions {
  database: DatabaseHandle
  llm: LlmProvider
  store: StatusStore
  log: FastifyBaseLogger
  /** How long running generations may finish once shutdown begins; the rest go back to the queue. */
  shutdownGraceMs: number
  concurrency: number
  maxAttempts: number
  heartbeatSeconds: number
  monitorSeconds: number
  progressIntervalMs: number
  /** Sample conversions per new conversion thread, run while a report is written (0: none). */
  conversionWarmUpRounds: number
  /** A report's whole writing time is bounded by this (the Claude timeout plus conversion and saving). */
  jobTimeoutSeconds: number
  /** Finished runs keep their progress events this long; then only the final event stays. */
  statusTtlMs: number
  idempotencyKeyTtlMs: number
  observer?: GenerationObserver
}

/** How often the text of a report being written goes out to the replicas. */
const TEXT_FLUSH_MS = 250
/** Longest text piece, in UTF-16 units: a NOTIFY payload is capped at 8 000 bytes, and Korean takes 3 a character. */
const TEXT_PIECE_MAX = 2000

interface ProgressReporter {
  push: (delta: string) => void
  /** Sends what is pending and resolves once every write so far is done. */
  flush: () => Promise<void>
  /** Drops what is still pending: the run is over. */
  stop: () => void
}

/** Another request with the same Idempotency-Key committed first: this one rolls back and replays that one's answer. */
class KeyTaken extends Error {}

/** Why a running report stopped before it finished. */
type StopReason = 'cancelled' | 'shutdown' | 'expired'

const EXPIRED_MESSAGE = '보고서 작성이 제한 시간을 넘겨 중단되었습니다. 다시 시도해 주세요.'

/** What the user is told; the error itself, with its stack, goes only to the log. */
function userMessage (error: unknown): string {
  if (error instanceof IncompleteReportError) return 'Claude와의 연결이 끊겨 보고서를 완성하지 못했습니다. 다시 시도해 주세요.'
  if (error instanceof ReportTooLongError) {
    return '보고서가 한 번에 쓸 수 있는 길이를 넘어 끝까지 작성되지 못했습니다. 계획의 섹션 수를 줄이거나 섹션 설명을 짧게 다듬은 뒤 다시 시도해 주세요.'
  }
  if (error instanceof InvalidModelOutputError) return 'Claude가 올바른 보고서를 반환하지 않았습니다. 다시 시도해 주세요.'
  if (error instanceof LlmServiceError) {
    switch (error.failure) {
      case 'overloaded': return 'Claude가 일시적으로 과부하 상태여서 보고서를 완성하지 못했습니다. 잠시 후 다시 시도해 주세요.'
      case 'unauthorized': return '보고서를 쓰는 인공지능 서비스에 접속할 권한이 없습니다. 관리자에게 문의해 주세요.'
      case 'failed': return '보고서를 쓰는 인공지능 서비스에 오류가 있어 보고서를 만들지 못했습니다. 잠시 후 다시 시도해 주세요.'
      case 'timeout': return 'Claude의 응답이 너무 늦어 정해진 시간 안에 보고서를 완성하지 못했습니다. 잠시 후 다시 시도해 주세요.'
      case 'unreachable': return 'Claude에 연결하지 못해 보고서를 만들지 못했습니다. 잠시 후 다시 시도해 주시고, 계속되면 관리자에게 문의해 주세요.'
    }
  }
  return '보고서 생성 중 내부 오류가 발생했습니다. 다시 시도해 주세요.'
}

/** The first `#` heading of the report, which becomes its file name and HWPX title. */
function reportTitle (markdown: string): string | undefined {
  return parsePlanMarkdown(markdown).title || undefined
}

export interface StartedGeneration {
  topicId: number
  /** The outcome of an earlier request with the same Idempotency-Key and body: nothing new started. */
  replayed: boolean
}

/**
 * Report generation as durable jobs on pg-boss. /generate claims the topic and enqueues its job in
 * one transaction; workers in every process take jobs with bounded concurrency and write the
 * report; the lifecycle records every change. A job whose process dies or shuts down goes back to
 * the queue and is written again from the start, up to the configured attempts.
 */
export class GenerationService {
  readonly lifecycle: GenerationLifecycle
  /** Reading a run's status and following its stream, on any replica. */
  readonly statusReader: StatusReader
  readonly #options: GenerationServiceOptions
  readonly #lane = new BackgroundLane()
  readonly #finishingTime = new FinishingTime()
  /** The database, with the job handlers' statements behind the requests' on PGlite. */
  readonly #database: DatabaseHandle
  readonly #queueDatabase: DatabaseHandle
  /** The jobs being written here, by job: a topic's cancelled run may still be unwinding beside its new one. */
  readonly #running = new Set<string>()
  readonly #conversions = new ConversionPool()
  /** Handlers still running, so shutdown can wait for their last writes before the database closes. */
  readonly #handlers = new Set<Promise<void>>()
  #boss: PgBoss | undefined
  #accepting = true
  /** Set by shutdown(): only then does an aborted job go back to the queue as cut off by a restart. */
  #stopping = false
  #upkeep: NodeJS.Timeout | undefined

  constructor (options: GenerationServiceOptions) {
    this.#options = options
    const { database, queueDatabase } = throughLane(options.database, this.#lane)
    this.#database = database
    this.#queueDatabase = queueDatabase
    this.lifecycle = new GenerationLifecycle({ database, store: options.store, log: options.log, maxAttempts: options.maxAttempts })
    this.statusReader = new StatusReader(database.db, options.store, this.lifecycle)
  }

  get runningCount () { return this.#running.size }

  /** Whether start() has opened the queue: until then nothing can be queued. */
  get started () { return this.#boss !== undefined }

  /** Opens the queue, follows the other replicas, recovers what a crash left, and starts the workers. */
  async start (): Promise<void> {
    const { log } = this.#options
    const database = this.#database
    await this.lifecycle.listen()
    await this.lifecycle.failOrphans()
    const boss = this.#boss = await openJobQueue({
      database: this.#queueDatabase,
      log,
      maxAttempts: this.#options.maxAttempts,
      heartbeatSeconds: this.#options.heartbeatSeconds,
      monitorSeconds: this.#options.monitorSeconds,
      expireInSeconds: this.#options.jobTimeoutSeconds
    })
    // An embedded database is this process's alone: a job still active in it was cut off by a
    // crash of this very process, and need not wait for its heartbeat to go stale.
    if (database.driver === 'pglite') await this.#releaseStaleJobs(boss)
    // One worker registration per slot, so each can be told to fetch again the moment its report
    // is done: pg-boss otherwise waits out its poll interval after a short job, even with a backlog.
    for (let slot = 0; slot < this.#options.concurrency; slot++) {
      let workerId = ''
      workerId = await boss.work<ReportJobData>(REPORT_QUEUE, { pollingIntervalSeconds: 2, notifyPollingIntervalSeconds: 5 }, async ([job]) => {
        const handling = this.#lane.run(() => this.#run(job!))
        this.#handlers.add(handling)
        try {
          await handling
        } finally {
          this.#handlers.delete(handling)
          boss.notifyWorker(workerId)
        }
      })
    }
    await boss.work<ReportJobData>(REPORT_DEAD_QUEUE, { pollingIntervalSeconds: 5, notifyPollingIntervalSeconds: 30 }, async ([job]) => {
      await this.#lane.run(() => this.#giveUp(job!))
    })
    this.#upkeep = setInterval(() => { this.#lane.run(() => this.#keepSmall()).catch(() => {}) }, Math.min(this.#options.statusTtlMs, 600_000)).unref()
  }

  async #releaseStaleJobs (boss: PgBoss): Promise<void> {
    const active = (await boss.findJobs<ReportJobData>(REPORT_QUEUE, { queued: false })).filter((job) => job.state === 'active')
    if (active.length === 0) return
    await boss.fail(REPORT_QUEUE, active.map((job) => job.id), { message: 'the process writing it stopped' })
    this.#options.log.warn({ topicIds: active.map((job) => job.data.topicId) }, 'reports cut off by the last stop go back to the queue')
  }

  async #keepSmall (): Promise<void> {
    try {
      await pruneFinishedRuns(this.#database.db, this.#options.statusTtlMs)
      await forgetExpired(this.#database.db, this.#options.idempotencyKeyTtlMs)
    } catch (error) {
      this.#options.log.warn({ err: error }, 'could not prune the event log')
    }
  }

  /**
   * The "start a generation" use case: claims the topic (409 while it is generating) and enqueues
   * its job in one transaction, so either both happen or neither. With an Idempotency-Key the
   * outcome is recorded in the same transaction, and a repeat of the same request (same key and
   * body) gets it again without starting anything; the same key with another body is a 422.
   */
  async startGeneration (request: GenerationRequest, idempotency?: { key: string, body: unknown }): Promise<StartedGeneration> {
    if (!this.#accepting) throw new AppError('SERVICE_UNAVAILABLE', '서버가 곧 멈추기 때문에 지금은 생성을 시작할 수 없습니다. 잠시 후 다시 시도해 주세요.')
    // The server listens before its job queue has started (a fraction of a second), so /health answers early.
    if (!this.#boss) throw new AppError('SERVICE_UNAVAILABLE', '서버가 아직 시작하는 중이라 지금은 생성을 시작할 수 없습니다. 잠시 후 다시 시도해 주세요.', { retryAfterSeconds: 1 })
    const boss = this.#boss
    const { db } = this.#database
    const ttl = this.#options.idempotencyKeyTtlMs
    const print = idempotency && fingerprint(idempotency.body)
    if (idempotency) {
      const stored = await replay(db, request.userId, idempotency.key, print!, ttl)
      if (stored) return { topicId: stored.topicId, replayed: true }
    }

    const jobId = randomUUID()
    const claimRequest = {
      userId: request.userId,
      topicId: request.topicId,
      topic: request.topic,
      templateId: request.templateId,
      plan: request.plan,
      sections: parsePlanMarkdown(request.plan).sections,
      jobId
    }
    // Loaded with the queue (queue.ts), so this only picks it up.
    const { fromDrizzle } = await import('pg-boss')
    let claim: Claim
    try {
      // Everything in one transaction — the new topic too, so a request that loses an
      // Idempotency-Key race leaves nothing behind.
      claim = await db.transaction(async (tx) => {
        const claimed = await this.lifecycle.claim(tx, claimRequest)
        if (idempotency && !await remember(tx, request.userId, idempotency.key, print!, claimed.topicId, ttl)) throw new KeyTaken()
        await boss.send(REPORT_QUEUE, { topicId: claimed.topicId, run: jobId, requestId: request.requestId } satisfies ReportJobData, { id: jobId, db: fromDrizzle(tx as unknown as DrizzleTransactionLike, sql) })
        return claimed
      })
    } catch (error) {
      // A repeat that raced the first request loses in one of two places: on a new topic at the
      // key's unique row (KeyTaken), on an existing topic at the topic's row lock, after which the
      // claim finds it generating (409). Either way the first request's answer is the answer.
      const lostKeyRace = error instanceof KeyTaken
      if (!idempotency || !(lostKeyRace || (error instanceof AppError && error.code === 'CONFLICT'))) throw error
      const stored = await replay(db, request.userId, idempotency.key, print!, ttl)
      if (stored) return { topicId: stored.topicId, replayed: true }
      if (lostKeyRace) throw new AppError('CONFLICT', '같은 Idempotency-Key의 요청을 아직 처리하고 있습니다. 잠시 후 같은 요청을 다시 보내 주세요.')
      throw error
    }
    this.lifecycle.claimed(claim.topicId, claim.event, request.userId)
    return { topicId: claim.topicId, replayed: false }
  }

  /** What an earlier request with this Idempotency-Key and body started, if any (another body is a 422). */
  async replay (userId: string, idempotency: { key: string, body: unknown }): Promise<StartedGeneration | undefined> {
    const stored = await replay(this.#database.db, userId, idempotency.key, fingerprint(idempotency.body), this.#options.idempotencyKeyTtlMs)
    return stored && { topicId: stored.topicId, replayed: true }
  }

  /**
   * The "cancel" use case, from any replica: the caller's report stops and saves nothing.
   * Idempotent: a report that has finished or been cancelled answers its current status; one that
   * was planned but never generated is a 409.
   */
  async cancelGeneration (userId: string, topicId: number): Promise<StatusSnapshot> {
    const topic = await getOwnTopic(this.#database.db, userId, topicId)
    const { snapshot, jobId } = await this.lifecycle.cancel(topic)
    // A waiting job must not be taken up; a running one learns of the cancel from the event itself.
    if (jobId) await this.#boss?.cancel(REPORT_QUEUE, jobId).catch(() => {})
    const status = snapshot ?? await this.statusReader.statusOf(topic)
    if (!status) throw conflict('아직 생성을 시작하지 않은 보고서여서 취소할 것이 없습니다. 보고서 생성을 시작한 뒤에 취소해 주세요.')
    return status
  }

  /** The job handler: writes one report, from the start, and records how it ended. */
  async #run (job: Job<ReportJobData>): Promise<void> {
    const { db } = this.#database
    const { llm, log: rootLog } = this.#options
    const attempt = job.retryCount + 1
    const run: Run = { topicId: job.data.topicId, jobId: job.data.run, attempt }
    const [topic] = await db.select().from(topics).where(eq(topics.id, run.topicId))
    const log = rootLog.child({ requestId: job.data.requestId, userId: topic?.userId, topicId: run.topicId, jobId: job.id, attempt })
    // Cancelled while it waited, or replaced by a newer run: nothing to write.
    if (!topic || topic.status !== 'generating' || topic.generationJobId !== run.jobId) return

    const controller = new AbortController()
    let stopped: StopReason | undefined
    const stop = (reason: StopReason) => {
      stopped ??= reason
      controller.abort()
    }
    // pg-boss also aborts a job that ran past its expiry or lost its claim: that is no restart.
    const onJobAbort = () => stop(this.#stopping ? 'shutdown' : 'expired')
    job.signal.addEventListener('abort', onJobAbort, { once: true })
    const unwatch = this.lifecycle.watch(run.topicId, (snapshot) => { if (snapshot.status !== 'generating') stop('cancelled') })
    this.#running.add(run.jobId)

    const startedAt = performance.now()
    let reporter: ProgressReporter | undefined
    try {
      await this.lifecycle.started(run, attempt)
      log.info({ provider: llm.kind }, 'generation started')
      this.#warmUpConversions(log)
      const template = await resolveTemplate(db, topic.userId, topic.templateId).catch(() => resolveTemplate(db, topic.userId, null))
      const { title, sections } = parsePlanMarkdown(topic.plan ?? '')
      reporter = this.#progressReporter(run, sections, log, () => stop('cancelled'))
      const progress = reporter
      const { markdown, usage } = await llm.writeReport(
        { system: template.promptSystem, user: reportUserPrompt(topic.topic, topic.plan ?? ''), title: title ?? topic.topic, sections },
        progress.push,
        controller.signal
      )
      await progress.flush()
      if (controller.signal.aborted) throw new Error('stopped')
      const finishingStartedAt = performance.now()

      await this.lifecycle.progress(run, { progress_percent: 85, current_step: 'HWPX 변환 중', estimated_completion: null })
      const reportName = reportTitle(markdown) ?? title ?? topic.topic
      const documentOptions = { title: reportName, date: new Date(), author: 'reportflow', subject: topic.topic }
      const [hwpx, docx] = await Promise.all([this.#conversions.convertHwpx(markdown, documentOptions), this.#conversions.convertDocx(markdown, documentOptions)])
      if (controller.signal.aborted) throw new Error('stopped')

      await this.lifecycle.progress(run, { progress_percent: 92, current_step: '저장 중' })
      const final = await this.lifecycle.complete(run, async (tx) => {
        const saved = await saveFinishedReport(tx, { topicId: run.topicId, title: reportName, fallbackTitle: topic.topic, markdown, hwpx, docx, usage })
        return saved.hwpxId
      })
      this.#finishingTime.record(performance.now() - finishingStartedAt)
      const durationMs = Math.round(performance.now() - startedAt)
      log.info({ artifactId: final.artifact_id, durationMs }, 'generation completed')
      this.#options.observer?.generationFinished('completed', durationMs)
    } catch (caught) {
      reporter?.stop()
      const durationMs = Math.round(performance.now() - startedAt)
      if (stopped === 'cancelled' || caught instanceof RunSupersededError) {
        log.info({ durationMs }, 'generation cancelled')
        return
      }
      if (stopped === 'shutdown') {
        log.warn({ durationMs }, 'generation handed back to the queue')
        await this.lifecycle.handBack(run, attempt).catch(() => {})
        // Failing the attempt is what puts the job back in the queue (pg-boss may already have).
        throw new Error('the process stopped while writing the report', { cause: caught })
      }
      log.error({ err: caught, durationMs }, 'generation failed')
      try {
        await this.lifecycle.fail(run, stopped === 'expired' ? EXPIRED_MESSAGE : userMessage(caught), job.signal)
      } catch (error) {
        if (error instanceof RunSupersededError) return
        throw error
      }
      this.#options.observer?.generationFinished('failed', durationMs)
    } finally {
      reporter?.stop()
      job.signal.removeEventListener('abort', onJobAbort)
      unwatch()
      this.#running.delete(run.jobId)
    }
  }

  /**
   * Progress from the streamed text: a heading always counts, the text between headings at most
   * once per progressIntervalMs, so the log holds a few events per section, not one per token.
   * The text itself goes out to every replica in pieces a few times a second, for live pages.
   * Both go through one chain, so every replica sees them in the order they were written.
   */
  #progressReporter (
    run: Run, sections: ReturnType<typeof parsePlanMarkdown>['sections'], log: FastifyBaseLogger, onSuperseded: () => void
  ): ProgressReporter {
    const tracker = new ProgressTracker(sections, Date.now, this.#finishingTime.estimateMs)
    const interval = this.#options.progressIntervalMs
    let chain: Promise<void> = Promise.resolve()
    let stopped = false
    const enqueue = (write: () => Promise<void>) => {
      // A stopped run's pending writes are dropped: they would land after its hand-back or end.
      chain = chain.then(() => stopped ? undefined : write()).catch((error: unknown) => {
        if (error instanceof RunSupersededError) onSuperseded()
        else log.warn({ err: error }, 'could not record progress')
      })
    }
    let lastProgressAt = performance.now()
    const progress = (patch: Parameters<GenerationLifecycle['progress']>[1]) => {
      lastProgressAt = performance.now()
      enqueue(() => this.lifecycle.progress(run, patch))
    }
    let textOffset = 0
    let pendingText = ''
    let textTimer: NodeJS.Timeout | undefined
    const flushText = () => {
      clearTimeout(textTimer)
      textTimer = undefined
      while (pendingText) {
        let cut = Math.min(pendingText.length, TEXT_PIECE_MAX)
        // Never between the halves of a surrogate pair: each piece must be valid text on its own.
        if (cut < pendingText.length && /[\uDC00-\uDFFF]/.test(pendingText[cut]!)) cut--
        const piece = { offset: textOffset, text: pendingText.slice(0, cut) }
        textOffset += cut
        pendingText = pendingText.slice(cut)
        enqueue(() => this.lifecycle.publishText(run, piece))
      }
    }
    return {
      push: (delta: string) => {
        pendingText += delta
        if (pendingText.length >= TEXT_PIECE_MAX) flushText()
        else textTimer ??= setTimeout(flushText, TEXT_FLUSH_MS)
        const patch = tracker.push(delta)
        if (patch) return progress(patch)
        if (performance.now() - lastProgressAt < interval) return
        const estimate = tracker.estimate()
        if (estimate) progress(estimate)
      },
      flush: () => {
        flushText()
        return chain
      },
      stop: () => {
        stopped = true
        clearTimeout(textTimer)
      }
    }
  }

  /** The conversion threads get ready while Claude writes (conversion-pool.ts); the run does not wait. */
  #warmUpConversions (log: FastifyBaseLogger): void {
    const rounds = this.#options.conversionWarmUpRounds
    if (rounds === 0) return
    this.#conversions.warmUp(rounds).then(
      (threads) => {
        const warmed = threads.filter((thread) => thread.warmedNow).map((thread) => thread.threadId)
        if (warmed.length > 0) log.debug({ threads: warmed }, 'conversion threads warmed up')
      },
      // Only speed is lost: the report's own conversion starts the thread again and reports its error.
      (err: unknown) => { if (!this.#stopping) log.warn({ err }, 'conversion warm-up failed') }
    )
  }

  /** A job whose attempts are used up (its processes kept dying): the report fails, readably. */
  async #giveUp (job: Job<ReportJobData>): Promise<void> {
    try {
      await this.lifecycle.fail({ topicId: job.data.topicId, jobId: job.data.run }, exhaustedMessage(this.#options.maxAttempts), job.signal)
    } catch (error) {
      // Cancelled or started again meanwhile: that run's own end is what counts.
      if (error instanceof RunSupersededError) return
      throw error
    }
    this.#options.observer?.generationFinished('failed')
  }

  /**
   * Stops taking jobs, lets running ones finish within the grace period, and hands the rest back
   * to the queue (pg-boss fails the attempt and aborts the handler, whose Claude stream stops).
   */
  async shutdown (): Promise<void> {
    this.#accepting = false
    this.#stopping = true
    clearInterval(this.#upkeep)
    if (this.#boss) await this.#boss.stop({ graceful: true, timeout: this.#options.shutdownGraceMs, close: true })
    await Promise.allSettled(this.#handlers)
    await this.lifecycle.close()
    await this.#conversions.close()
  }
}
