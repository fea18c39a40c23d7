import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ReportPlanner } from '../../src/planning/plan-report.js'
import { ok, Success } from '../../src/schemas/common.js'
import { bodyErrors, ErrorAnswer, withNotFound } from '../../src/schemas/error.js'
import { PlanRequestSchema, PlanResponseSchema } from '../../src/schemas/plan.js'

const planRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const planner = new ReportPlanner({
    db: app.db,
    llm: app.llm,
    drafts: app.planDrafts,
    maxInFlight: app.config.planMaxInFlight,
    budgetMs: app.config.planBudgetMs,
    maxQueueWaitMs: app.config.planMaxQueueWaitMs,
    planTimeoutMs: app.config.anthropic.planTimeoutMs,
    refineTimeoutMs: app.config.anthropic.planRefineTimeoutMs,
    onAnswered: (source) => app.metrics.planAnswered(source)
  })

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
      description: 'Answers as soon as Claude has written the section titles (or with the template\'s outline ' +
        'when Claude fails or is late). Claude goes on writing the sections\' descriptions after the answer: follow ' +
        '`GET /api/topics/{topic_id}/plan/stream`. 503 (with Retry-After) when too many plans are in progress to answer in time.',
      body: PlanRequestSchema,
      response: { 200: Success(PlanResponseSchema), ...withNotFound, ...bodyErrors, 429: ErrorAnswer, 503: ErrorAnswer }
    }
  }, async function planReport (request, reply) {
    return ok(await planner.planReport({
      userId: request.userId,
      topic: request.body.topic.trim(),
      templateId: request.body.template_id,
      elapsedMs: () => reply.elapsedTime,
      log: request.log
    }))
  })
}

export default planRoutes
