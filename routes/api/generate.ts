import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ok, Success } from '../../src/schemas/common.js'
import { ErrorEnvelope, withNotFound } from '../../src/schemas/error.js'
import { type GenerateAnswer, GenerateHeadersSchema, GenerateRequestSchema, GenerateResponseSchema } from '../../src/schemas/generation.js'

/** The 202 for a started generation — the same for a repeat of the request with its Idempotency-Key. */
const accepted = (topicId: number): GenerateAnswer => ok({
  topic_id: topicId,
  status: 'generating',
  message: '보고서 생성을 시작했습니다. 진행 상황은 status_check_url이나 stream_url에서 확인하세요.',
  status_check_url: `/api/topics/${topicId}/status`,
  stream_url: `/api/topics/${topicId}/status/stream`
})

const generateRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/topics/generate', {
    config: { rateLimit: app.limits.generateRate },
    // A repeat of an answered request gets its answer before admission, which would count the
    // report that request started against the user and refuse the repeat.
    preHandler: [async function replayRepeatedRequest (request, reply) {
      const key = request.headers['idempotency-key']
      if (key === undefined) return
      const started = await app.generator.replay(request.userId, { key, body: request.body })
      if (started) return reply.code(202).send(accepted(started.topicId))
    }, app.limits.admitGeneration],
    schema: {
      tags: ['topics'],
      summary: 'Start writing the report in the background; answers 202 at once',
      description: 'The report is queued as a durable job and written by a worker on any replica; a report ' +
        'waiting for a worker shows `status: "generating"` at 0 % with its place in line as `current_step`. ' +
        'With an `Idempotency-Key` header, repeating the same request (same key and body) answers the first ' +
        'answer again and starts nothing; the same key with another body is a 422. Keys are kept for ' +
        'IDEMPOTENCY_KEY_TTL_MS (24 hours by default).',
      headers: GenerateHeadersSchema,
      body: GenerateRequestSchema,
      response: {
        202: Success(GenerateResponseSchema),
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
    const started = await app.generator.startGeneration(
      { userId: request.userId, topic: topic.trim(), plan, templateId, topicId, requestId: request.id },
      key === undefined ? undefined : { key, body: request.body })
    return reply.code(202).send(accepted(started.topicId))
  })
}

export default generateRoutes
