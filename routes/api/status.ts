import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { notFound } from '../../src/errors.js'
import { persistedStatus } from '../../src/status/persisted.js'
import { getOwnTopic } from '../../src/topics/repository.js'
import { IdParams, NullableTimestamp, ok, Success, withNotFound } from '../schemas.js'

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()])

export const StatusSchema = Type.Object({
  topic_id: Type.Integer(),
  status: Type.Union([Type.Literal('generating'), Type.Literal('completed'), Type.Literal('failed'), Type.Literal('cancelled')], {
    description: '`generating` also while the report waits for a worker (0 %, current_step says so); `cancelled` after POST /cancel'
  }),
  progress_percent: Type.Integer({ minimum: 0, maximum: 100 }),
  current_step: Nullable(Type.String()),
  started_at: NullableTimestamp,
  estimated_completion: NullableTimestamp,
  artifact_id: Nullable(Type.Integer()),
  completed_at: NullableTimestamp,
  error_message: Nullable(Type.String())
}, { $id: 'GenerationStatus' })

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
