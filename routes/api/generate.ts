import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Success } from '../../src/schemas/common.js'
import { ErrorEnvelope, withNotFound } from '../../src/schemas/error.js'
import { type GenerateAnswer, GenerateHeadersSchema, GenerateRequestSchema, GenerateResponseSchema } from '../../src/schemas/generation.js'

const generateRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/topics/generate', {
    config: { rateLimit: app.limits.generateRate },
    // A repeat of an answered request gets its answer before admission, which would count the
    // report that request started against the user and refuse the repeat.
    preHandler: [async function replayRepeatedRequest (request, reply) {
      const key = request.headers['idempotency-key']
      if (key === undefined) return
      const stored = await app.generator.replay(request.userId, { key, body: request.body })
      if (stored) return reply.code(stored.statusCode as 202).send(stored.body as GenerateAnswer)
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
    const answer = await app.generator.enqueue(
      { userId: request.userId, topic: topic.trim(), plan, templateId, topicId, requestId: request.id },
      key === undefined ? undefined : { key, body: request.body })
    return reply.code(answer.statusCode as 202).send(answer.body as GenerateAnswer)
  })
}

export default generateRoutes
