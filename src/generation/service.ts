import { and, eq, ne } from 'drizzle-orm'
import type { FastifyBaseLogger } from 'fastify'
import { APIError, APIUserAbortError } from '@anthropic-ai/sdk'
import { saveFinishedReport } from '../artifacts/repository.js'
import type { Database } from '../db/client.js'
import { topics } from '../db/schema.js'
import { AppError, conflict } from '../errors.js'
import { markdownToDocx } from '../docx/index.js'
import { markdownToHwpx } from '../hwpx/index.js'
import { IncompleteReportError, InvalidModelOutputError, type LlmProvider } from '../llm/provider.js'
import { parsePlanMarkdown } from '../planning/plan-markdown.js'
import type { StatusStore } from '../status/store.js'
import { resolveTemplate } from '../templates/repository.js'
import { createTopic, getOwnTopic } from '../topics/repository.js'
import { ProgressTracker } from './progress.js'
import { reportUserPrompt } from './prompts.js'

export const CONFLICT_MESSAGE = 'Generation already in progress for this topic'
export const INTERRUPTED_MESSAGE = '서버가 다시 시작되어 생성이 중단되었습니다 (interrupted). 다시 시도해 주세요.'
export const SHUTDOWN_MESSAGE = '서버 종료로 생성이 중단되었습니다 (interrupted by shutdown). 다시 시도해 주세요.'

export interface GenerationRequest {
  userId: string
  topic: string
  plan: string
  templateId?: number | null
  topicId?: number
}

/** Told how each generation ended (for metrics); the service works the same without one. */
export interface GenerationObserver {
  generationFinished: (outcome: 'completed' | 'failed', durationMs: number) => void
}

export interface GenerationServiceOptions {
  db: Database
  llm: LlmProvider
  store: StatusStore
  log: FastifyBaseLogger
  /** How long running generations may finish once shutdown begins. */
  shutdownGraceMs: number
  observer?: GenerationObserver
}

class ShutdownAbort extends Error {
  override name = 'ShutdownAbort'
}

/** What the user is told; the error itself, with its stack, goes only to the log. */
function userMessage (error: unknown): string {
  if (error instanceof ShutdownAbort || error instanceof APIUserAbortError) return SHUTDOWN_MESSAGE
  if (error instanceof IncompleteReportError) return 'Claude와의 연결이 끊겨 보고서를 완성하지 못했습니다. 다시 시도해 주세요.'
  if (error instanceof InvalidModelOutputError) return 'Claude가 올바른 보고서를 반환하지 않았습니다. 다시 시도해 주세요.'
  if (error instanceof APIError) {
    if (error.status === 429 || error.status === 529 || error.status === undefined) {
      return 'Claude가 일시적으로 과부하 상태여서 보고서를 완성하지 못했습니다. 잠시 후 다시 시도해 주세요.'
    }
    if (error.status === 401 || error.status === 403) return 'Claude API 인증에 실패했습니다. 관리자에게 문의해 주세요.'
    return 'Claude API 오류로 보고서를 생성하지 못했습니다. 잠시 후 다시 시도해 주세요.'
  }
  return '보고서 생성 중 내부 오류가 발생했습니다. 다시 시도해 주세요.'
}

/** The first `#` heading of the report, which becomes its file name and HWPX title. */
function reportTitle (markdown: string): string | undefined {
  return parsePlanMarkdown(markdown).title || undefined
}

/**
 * Starts report generations detached from the request (seed §7.3) and sees each one to a
 * terminal state: completed with both artifacts saved, or failed with a message a user can read.
 */
export class GenerationService {
  private readonly running = new Map<number, { done: Promise<void>, controller: AbortController }>()
  private accepting = true

  constructor (private readonly options: GenerationServiceOptions) {}

  get runningCount () { return this.running.size }

  /** A topic left "generating" by a crash can never finish: say so instead of showing it forever. */
  async recoverInterrupted (): Promise<number> {
    const now = new Date()
    const recovered = await this.options.db.update(topics)
      .set({ status: 'failed', generationError: INTERRUPTED_MESSAGE, generationCompletedAt: now, updatedAt: now })
      .where(eq(topics.status, 'generating'))
      .returning({ id: topics.id })
    if (recovered.length > 0) this.options.log.warn({ topicIds: recovered.map((r) => r.id) }, 'marked interrupted generations as failed')
    return recovered.length
  }

  /**
   * Claims the topic and launches the work. The claim is atomic twice over: in memory (the store's
   * check-and-set, so two requests in this process race safely) and in the database (a conditional
   * update), so the second of two simultaneous requests always gets 409.
   */
  async start (request: GenerationRequest, log: FastifyBaseLogger): Promise<{ topicId: number }> {
    if (!this.accepting) throw new AppError('SERVICE_UNAVAILABLE', 'The server is shutting down; try again shortly')
    const { db, store } = this.options
    const template = await resolveTemplate(db, request.userId, request.templateId)
    const topicId = request.topicId === undefined
      ? (await createTopic(db, { userId: request.userId, topic: request.topic, templateId: template.id })).id
      : (await getOwnTopic(db, request.userId, request.topicId)).id

    if (!store.begin(topicId, '생성 준비 중', request.userId)) throw conflict(CONFLICT_MESSAGE)
    const { title, sections } = parsePlanMarkdown(request.plan)
    const startedAt = new Date()
    try {
      const [claimed] = await db.update(topics).set({
        topic: request.topic,
        templateId: template.id,
        plan: request.plan,
        planSections: sections,
        status: 'generating',
        generationStartedAt: startedAt,
        generationCompletedAt: null,
        generationError: null,
        updatedAt: startedAt
      }).where(and(eq(topics.id, topicId), ne(topics.status, 'generating'))).returning({ id: topics.id })
      if (!claimed) throw conflict(CONFLICT_MESSAGE)
    } catch (error) {
      store.clear(topicId)
      throw error
    }

    const controller = new AbortController()
    // The request's logger already names the user (see plugins/auth.ts).
    const jobLog = log.child({ topicId })
    const done = this.run({
      topicId,
      topic: request.topic,
      plan: request.plan,
      title: title ?? request.topic,
      sections,
      system: template.promptSystem
    }, controller.signal, jobLog).finally(() => this.running.delete(topicId))
    this.running.set(topicId, { done, controller })
    return { topicId }
  }

  private async run (
    job: { topicId: number, topic: string, plan: string, title: string, sections: ReturnType<typeof parsePlanMarkdown>['sections'], system: string },
    signal: AbortSignal,
    log: FastifyBaseLogger
  ): Promise<void> {
    const { db, llm, store } = this.options
    const { topicId } = job
    const startedAt = performance.now()
    log.info({ sections: job.sections.length, provider: llm.kind }, 'generation started')
    try {
      store.update(topicId, { progress_percent: 5, current_step: '보고서 작성 요청 중' })
      const tracker = new ProgressTracker(job.sections)
      const { markdown, usage } = await llm.writeReport(
        { system: job.system, user: reportUserPrompt(job.topic, job.plan), title: job.title, sections: job.sections },
        (delta) => {
          const patch = tracker.push(delta)
          if (patch) store.update(topicId, patch)
        },
        signal
      )
      if (signal.aborted) throw new ShutdownAbort()

      store.update(topicId, { progress_percent: 85, current_step: 'HWPX 변환 중', estimated_completion: null })
      const title = reportTitle(markdown) ?? job.title
      const documentOptions = { title, date: new Date(), author: 'reportflow', subject: job.topic }
      const [hwpx, docx] = await Promise.all([markdownToHwpx(markdown, documentOptions), markdownToDocx(markdown, documentOptions)])

      store.update(topicId, { progress_percent: 92, current_step: '저장 중' })
      const completedAt = new Date()
      const saved = await saveFinishedReport(db, { topicId, title, fallbackTitle: job.topic, markdown, hwpx, docx, usage, completedAt })
      // The same instant as in the database, so /status reads alike from memory and after a restart.
      store.complete(topicId, saved.hwpxId, completedAt)
      const durationMs = Math.round(performance.now() - startedAt)
      log.info({ artifactId: saved.hwpxId, version: saved.version, durationMs }, 'generation completed')
      this.options.observer?.generationFinished('completed', durationMs)
    } catch (caught) {
      const error = signal.aborted ? new ShutdownAbort() : caught
      const message = userMessage(error)
      const durationMs = Math.round(performance.now() - startedAt)
      log.error({ err: caught, durationMs }, 'generation failed')
      const failedAt = new Date()
      await this.persistFailure(topicId, message, failedAt, log)
      store.fail(topicId, message, failedAt)
      this.options.observer?.generationFinished('failed', durationMs)
    }
  }

  private async persistFailure (topicId: number, message: string, failedAt: Date, log: FastifyBaseLogger) {
    try {
      await this.options.db.update(topics)
        .set({ status: 'failed', generationError: message, generationCompletedAt: failedAt, updatedAt: failedAt })
        .where(eq(topics.id, topicId))
    } catch (error) {
      log.error({ err: error }, 'could not record the failure; the topic will be marked interrupted at the next start')
    }
  }

  /**
   * Stops taking work, lets running generations finish within the grace period, then aborts
   * the rest; each aborted one records itself as failed, so nothing stays "generating".
   */
  async shutdown (): Promise<void> {
    this.accepting = false
    if (this.running.size === 0) return
    const all = () => Promise.allSettled([...this.running.values()].map((job) => job.done))
    let timer: NodeJS.Timeout | undefined
    const graceOver = new Promise<'grace over'>((resolve) => { timer = setTimeout(() => resolve('grace over'), this.options.shutdownGraceMs) })
    const outcome = await Promise.race([all(), graceOver])
    clearTimeout(timer)
    if (outcome === 'grace over') {
      this.options.log.warn({ topicIds: [...this.running.keys()] }, 'grace period over: aborting running generations')
      for (const job of this.running.values()) job.controller.abort()
      await all()
    }
  }
}
