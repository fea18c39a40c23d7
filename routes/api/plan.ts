import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { recordAiUsage } from '../../src/ai-usage.js'
import { sequentialPlanning } from '../../src/planning/sequential-planning.js'
import { resolveTemplate } from '../../src/templates/repository.js'
import { createTopic } from '../../src/topics/repository.js'
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
  })
})

const planRoutes: FastifyPluginAsyncTypebox = async (app) => {
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
      body: PlanRequest,
      response: { 200: Success(PlanResponse), ...withNotFound, 413: Type.Ref(ErrorEnvelope), 429: Type.Ref(ErrorEnvelope) }
    }
  }, async (request) => {
    const startedAt = performance.now()
    const topic = request.body.topic.trim()
    const template = await resolveTemplate(app.db, request.userId, request.body.template_id)
    const planned = await sequentialPlanning({ topic, guide: template.promptSystem }, {
      llm: app.llm,
      timeoutMs: app.config.anthropic.planTimeoutMs,
      log: request.log
    })
    const row = await createTopic(app.db, {
      userId: request.userId,
      topic,
      templateId: template.id,
      plan: planned.plan,
      planSections: planned.sections
    })
    if (planned.usage) await recordAiUsage(app.db, row.id, 'plan', planned.usage)
    app.metrics.planAnswered(planned.source)
    request.log.info({ topicId: row.id, source: planned.source, elapsedMs: Math.round(performance.now() - startedAt) }, 'plan ready')
    return ok({
      topic_id: row.id,
      plan: planned.plan,
      sections: planned.sections,
      estimated_sections_count: planned.sections.length,
      source: planned.source
    })
  })
}

export default planRoutes
