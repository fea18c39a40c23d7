import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ErrorEnvelope, ok, Success, withNotFound } from '../schemas.js'
import { TemplateId, TopicText } from './plan.js'

const GenerateRequest = Type.Object({
  topic: TopicText,
  plan: Type.String({ minLength: 1, maxLength: 50_000, pattern: '\\S', description: 'The approved (possibly edited) plan Markdown from /plan' }),
  template_id: Type.Optional(TemplateId),
  topic_id: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647, description: 'The topic /plan created; without it a new topic is made' }))
}, {
  additionalProperties: false,
  examples: [{ topic: '2026 디지털뱅킹 트렌드 분석', plan: '# 2026 디지털뱅킹 트렌드 분석\n\n## 요약\n\n핵심 결론\n', template_id: 1, topic_id: 1 }]
})

const GenerateResponse = Type.Object({
  topic_id: Type.Integer(),
  status: Type.Literal('generating'),
  message: Type.String(),
  status_check_url: Type.String(),
  stream_url: Type.String()
})

const generateRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/topics/generate', {
    config: { rateLimit: app.limits.generateRate },
    preHandler: app.limits.admitGeneration,
    schema: {
      tags: ['topics'],
      summary: 'Start writing the report in the background; answers 202 at once',
      body: GenerateRequest,
      response: {
        202: Success(GenerateResponse),
        ...withNotFound,
        409: Type.Ref(ErrorEnvelope),
        413: Type.Ref(ErrorEnvelope),
        429: Type.Ref(ErrorEnvelope),
        503: Type.Ref(ErrorEnvelope)
      }
    }
  }, async (request, reply) => {
    const { topic, plan, template_id: templateId, topic_id: topicId } = request.body
    const started = await app.generator.start({ userId: request.userId, topic: topic.trim(), plan, templateId, topicId }, request.log)
    return reply.code(202).send(ok({
      topic_id: started.topicId,
      status: 'generating' as const,
      message: 'Report generation started in background',
      status_check_url: `/api/topics/${started.topicId}/status`,
      stream_url: `/api/topics/${started.topicId}/status/stream`
    }))
  })
}

export default generateRoutes
