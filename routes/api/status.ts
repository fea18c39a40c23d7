import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { notFound } from '../../src/errors.js'
import { persistedStatus } from '../../src/status/persisted.js'
import { getOwnTopic } from '../../src/topics/repository.js'
import { IdParams, ok, Success } from '../../src/schemas/common.js'
import { withNotFound } from '../../src/schemas/error.js'
import { StatusSchema } from '../../src/schemas/status.js'

const statusRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/topics/:id/status', {
    schema: {
      tags: ['topics'],
      summary: 'Generation progress (poll every 2–3 s)',
      params: IdParams,
      response: { 200: Success(StatusSchema), ...withNotFound }
    }
  }, async function readGenerationStatus (request) {
    const { id } = request.params
    // Polling is the hot path: a run of the caller's own is answered from memory alone.
    if (app.statusStore.ownerOf(id) === request.userId) return ok(app.statusStore.get(id)!)
    const topic = await getOwnTopic(app.db, request.userId, id)
    // Another replica's run, or one this process has forgotten: the log has it, and the hot copy
    // keeps it from here on (fed by the other replicas' notifications).
    await app.generator.lifecycle.warm(topic)
    const status = app.statusStore.get(id) ?? await persistedStatus(app.db, topic)
    if (!status) throw notFound(`No generation status found for topic_id ${id}`)
    return ok(status)
  })
}

export default statusRoutes
