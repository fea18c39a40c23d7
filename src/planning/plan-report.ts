import type { FastifyBaseLogger } from 'fastify'
import type { Database } from '../db/client.js'
import { AppError } from '../errors.js'
import type { LlmProvider } from '../llm/provider.js'
import type { PlanResponse, PlanSource } from '../schemas/plan.js'
import { resolveTemplate } from '../templates/repository.js'
import { savePlanDraft } from '../topics/repository.js'
import { AdaptiveLimit, MIN_MODEL_MS, SaveLatency } from './plan-budget.js'
import type { PlanDrafts } from './plan-drafts.js'
import { outlineOf } from './plan-markdown.js'
import { outlineSoFar, planResult, sequentialPlanning } from './sequential-planning.js'

export interface ReportPlannerOptions {
  db: Database
  llm: LlmProvider
  /** Where the descriptions the model goes on writing after the answer are followed and saved. */
  drafts: Pick<PlanDrafts, 'track'>
  /** Plans answered at once, at most (the limit adapts below it). */
  maxInFlight: number
  /** The time a plan may take from the request's arrival. */
  budgetMs: number
  /** A plan whose handler starts later than this after its arrival is turned away at once. */
  maxQueueWaitMs: number
  /** How long the model may take for the skeleton, at most; the budget may leave it less. */
  planTimeoutMs: number
  refineTimeoutMs: number
  onAnswered: (source: PlanSource) => void
}

export interface PlanReportRequest {
  userId: string
  topic: string
  templateId: number | null | undefined
  /** Milliseconds since the request arrived: the budget counts from then. */
  elapsedMs: () => number
  log: FastifyBaseLogger
}

/** Seconds a client turned away for overload is asked to wait: one turned away at once can be retried. */
const OVERLOADED_RETRY_AFTER_SECONDS = 1

/** A plan answered past its budget is a failure the user waited for; one turned away at once can be retried. */
const overloaded = () => new AppError('SERVICE_UNAVAILABLE', '지금은 계획 요청이 많아 제시간에 답할 수 없습니다. 잠시 후 다시 시도해 주세요.',
  { retryAfterSeconds: OVERLOADED_RETRY_AFTER_SECONDS })

/**
 * Plan a report: the template's guide and the topic go to the model (or the template's own
 * outline answers), the plan is saved as the topic's first draft, and the descriptions the model
 * is still writing are handed on — all within the budget a user is promised (two seconds).
 */
export class ReportPlanner {
  readonly #options: ReportPlannerOptions
  readonly #admission: AdaptiveLimit
  readonly #saveLatency = new SaveLatency()

  constructor (options: ReportPlannerOptions) {
    this.#options = options
    this.#admission = new AdaptiveLimit(options.budgetMs, options.maxInFlight)
  }

  async planReport (request: PlanReportRequest): Promise<PlanResponse> {
    const { elapsedMs } = request
    if (elapsedMs() > this.#options.maxQueueWaitMs || !this.#admission.tryAcquire()) throw overloaded()
    try {
      return await this.#plan(request)
    } finally {
      this.#admission.release(elapsedMs())
    }
  }

  async #plan ({ userId, topic, templateId, elapsedMs, log }: PlanReportRequest): Promise<PlanResponse> {
    const { db, llm, drafts, budgetMs, planTimeoutMs, refineTimeoutMs, onAnswered } = this.#options
    const template = await resolveTemplate(db, userId, templateId)
    // The deadlines count from the request's arrival, so waits for the database come out of them,
    // and keep back the time the save after the model is taking lately.
    const saveBy = budgetMs - this.#saveLatency.reserveMs
    if (elapsedMs() > saveBy) throw overloaded()
    const remainingMs = Math.min(planTimeoutMs, saveBy) - elapsedMs()
    let planned = await sequentialPlanning({ topic, guide: template.promptSystem }, {
      llm,
      timeoutMs: remainingMs >= MIN_MODEL_MS ? remainingMs : 0,
      refineTimeoutMs,
      log
    })
    const { refinement } = planned
    // Descriptions the model finished meanwhile are saved with the topic rather than after it.
    if (refinement) planned = planResult(outlineSoFar(refinement.skeleton, refinement), 'llm', refinement)
    const savingAt = performance.now()
    const row = await savePlanDraft(db, { userId, topic, templateId: template.id, plan: planned.plan, planSections: planned.sections })
      .catch((error: unknown) => {
        // A plan that was never saved has nowhere for the model's descriptions to go.
        refinement?.abort()
        throw error
      })
    this.#saveLatency.observe(performance.now() - savingAt)
    if (refinement) drafts.track(row.id, refinement, log.child({ topicId: row.id }))
    onAnswered(planned.source)
    log.info({ topicId: row.id, source: planned.source, elapsedMs: Math.round(elapsedMs()) }, 'plan ready')
    return {
      topic_id: row.id,
      plan: planned.plan,
      sections: planned.sections,
      outline: outlineOf(planned.plan, planned.sections),
      estimated_sections_count: planned.sections.length,
      source: planned.source,
      plan_version: row.planVersion,
      refining: refinement !== undefined
    }
  }
}
