import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
import { AppError } from '../../src/errors.js'
import { AdaptiveLimit, MAX_QUEUE_WAIT_MS, MIN_MODEL_MS, PLAN_BUDGET_MS, SaveLatency } from '../../src/planning/plan-budget.js'
import { outlineSoFar, planResult, sequentialPlanning } from '../../src/planning/sequential-planning.js'
import { resolveTemplate } from '../../src/templates/repository.js'
import { savePlanDraft } from '../../src/topics/repository.js'
import { ErrorEnvelope, ok, Success, withNotFound } from '../schemas.js'
import { PlanSectionSchema } from './topics.js'

export const TopicText = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S', description: '보고서 주제 (앞뒤 공백은 제거됨)' })
export const TemplateId = Type.Union([Type.Integer({ minimum: 1, maximum: 2_147_483_647 }), Type.Null()], {
  description: '템플릿 ID; 없거나 null이면 기본 템플릿'
})

const PlanRequest = Type.Object({
  topic: TopicText,
  template_id: Type.Optional(TemplateId)
}, { additionalProperties: false, examples: [{ topic: '2026 디지털뱅킹 트렌드 분석', template_id: 1 }] })

const PlanResponse = Type.Object({
  topic_id: Type.Integer(),
  plan: Type.String({ description: 'Markdown: `# 제목`, then one `##` per section' }),
  sections: Type.Array(PlanSectionSchema),
  estimated_sections_count: Type.Integer(),
  source: Type.Union([Type.Literal('llm'), Type.Literal('template')], {
    description: '"template" when the outline came from the template because Claude was unavailable, slow or wrong'
  }),
  plan_version: Type.Integer({ description: 'The draft\'s version; every later save (yours or the model\'s) raises it' }),
  refining: Type.Boolean({
    description: 'true while Claude is still writing the sections\' descriptions: they are saved into the draft as they ' +
      'are finished (never over your edits) and sent on `GET /api/topics/{topic_id}/plan/stream`'
  })
})

const RETRY_AFTER_SECONDS = 1

const planRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const admission = new AdaptiveLimit(app.config.planMaxInFlight)
  const saveLatency = new SaveLatency()
  /** A plan answered after 2 s is a failure the user waited for; one turned away at once can be retried. */
  const overloaded = (reply: FastifyReply) => {
    reply.header('retry-after', String(RETRY_AFTER_SECONDS))
    return new AppError('SERVICE_UNAVAILABLE', '지금은 계획 요청이 많아 제시간에 답할 수 없습니다. 잠시 후 다시 시도해 주세요.')
  }
  app.post('/topics/plan', {
    config: {
      rateLimit: {
        max: app.config.planRateLimit.max,
        timeWindow: app.config.planRateLimit.windowMs,
        keyGenerator: (request) => `plan:${request.userId}`
      }
    },
    schema: {
      tags: ['topics'],
      summary: 'Plan a report: an ordered, editable outline within 2 seconds',
      description: 'Answers as soon as Claude has written the title and the section titles (or with the template\'s outline ' +
        'when Claude fails or is late). Claude goes on writing the sections\' descriptions after the answer: follow ' +
        '`GET /api/topics/{topic_id}/plan/stream`. 503 (with Retry-After) when too many plans are in progress to answer in time.',
      body: PlanRequest,
      response: {
        200: Success(PlanResponse), ...withNotFound, 413: Type.Ref(ErrorEnvelope), 429: Type.Ref(ErrorEnvelope), 503: Type.Ref(ErrorEnvelope)
      }
    }
  }, async function planReport (request, reply) {
    if (reply.elapsedTime > MAX_QUEUE_WAIT_MS || !admission.tryAcquire()) throw overloaded(reply)
    try {
      const topic = request.body.topic.trim()
      const template = await resolveTemplate(app.db, request.userId, request.body.template_id)
      // The deadlines count from the request's arrival, so waits for the database come out of them,
      // and keep back the time the save after the model is taking lately.
      const saveBy = PLAN_BUDGET_MS - saveLatency.reserveMs
      if (reply.elapsedTime > saveBy) throw overloaded(reply)
      const remainingMs = Math.min(app.config.anthropic.planTimeoutMs, saveBy) - reply.elapsedTime
      let planned = await sequentialPlanning({ topic, guide: template.promptSystem }, {
        llm: app.llm,
        timeoutMs: remainingMs >= MIN_MODEL_MS ? remainingMs : 0,
        refineTimeoutMs: app.config.anthropic.planRefineTimeoutMs,
        log: request.log
      })
      const { refinement } = planned
      // Descriptions the model finished meanwhile are saved with the topic rather than after it.
      if (refinement) planned = planResult(outlineSoFar(refinement.skeleton, refinement), 'llm', refinement)
      const savingAt = performance.now()
      const row = await savePlanDraft(app.db, {
        userId: request.userId,
        topic,
        templateId: template.id,
        plan: planned.plan,
        planSections: planned.sections
      })
      saveLatency.observe(performance.now() - savingAt)
      if (refinement) app.planDrafts.track(row.id, refinement, request.log.child({ topicId: row.id }))
      app.metrics.planAnswered(planned.source)
      request.log.info({ topicId: row.id, source: planned.source, elapsedMs: Math.round(reply.elapsedTime) }, 'plan ready')
      return ok({
        topic_id: row.id,
        plan: planned.plan,
        sections: planned.sections,
        estimated_sections_count: planned.sections.length,
        source: planned.source,
        plan_version: row.planVersion,
        refining: refinement !== undefined
      })
    } finally {
      admission.release(reply.elapsedTime)
    }
  })
}

export default planRoutes
