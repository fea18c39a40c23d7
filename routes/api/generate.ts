import { Type, type Static } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { IDEMPOTENCY_KEY_PATTERN } from '../../src/generation/idempotency.js'
import { ErrorEnvelope, Success, withNotFound } from '../schemas.js'
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
    // A repeat of an answered request gets its answer before admission, which would count the
    // report that request started against the user and refuse the repeat.
    preHandler: [async function replayRepeatedRequest (request, reply) {
      const key = request.headers['idempotency-key']
      if (key === undefined) return
      const stored = await app.generator.replay(request.userId, { key, body: request.body })
      if (stored) return reply.code(stored.statusCode as 202).send(stored.body as Static<ReturnType<typeof Success<typeof GenerateResponse>>>)
    }, app.limits.admitGeneration],
    schema: {
      tags: ['topics'],
      summary: 'Start writing the report in the background; answers 202 at once',
      description: 'The report is queued as a durable job and written by a worker on any replica; a report ' +
        'waiting for a worker shows `status: "generating"` at 0 % with its place in line as `current_step`. ' +
        'With an `Idempotency-Key` header, repeating the same request (same key and body) answers the first ' +
        'answer again and starts nothing; the same key with another body is a 422. Keys are kept for ' +
        'IDEMPOTENCY_KEY_TTL_MS (24 hours by default).',
      headers: Type.Object({
        'idempotency-key': Type.Optional(Type.String({ pattern: IDEMPOTENCY_KEY_PATTERN, description: 'A unique key per intended generation (e.g. a UUID)' }))
      }),
      body: GenerateRequest,
      response: {
        202: Success(GenerateResponse),
        ...withNotFound,
        409: Type.Ref(ErrorEnvelope),
        413: Type.Ref(ErrorEnvelope),
        422: Type.Ref(ErrorEnvelope),
        429: Type.Ref(ErrorEnvelope),
        503: Type.Ref(ErrorEnvelope)
      }
    }
  }, async function startReportGeneration (request, reply) {
    const { topic, plan, template_id: templateId, topic_id: topicId } = request.body
    const key = request.headers['idempotency-key']
    const answer = await app.generator.enqueue(
      { userId: request.userId, topic: topic.trim(), plan, templateId, topicId, requestId: request.id },
      key === undefined ? undefined : { key, body: request.body })
    return reply.code(answer.statusCode as 202).send(answer.body as Static<ReturnType<typeof Success<typeof GenerateResponse>>>)
  })
}

export default generateRoutes
