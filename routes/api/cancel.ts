import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { notFound } from '../../src/errors.js'
import { persistedStatus } from '../../src/status/persisted.js'
import { getOwnTopic } from '../../src/topics/repository.js'
import { IdParams, ok, Success, withNotFound } from '../schemas.js'
import { StatusSchema } from './status.js'

const cancelRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/topics/:id/cancel', {
    schema: {
      tags: ['topics'],
      summary: 'Cancel the report being written (or waiting); answers the resulting status',
      description: 'Works on any replica: the process writing the report stops within a second and saves nothing. ' +
        'The final status is `cancelled`, the stream\'s completion event carries it, and the topic can be generated again. ' +
        'Idempotent: a report that has already finished or been cancelled answers its current status.',
      params: IdParams,
      response: { 200: Success(StatusSchema), ...withNotFound }
    }
  }, async function cancelReportGeneration (request) {
    const { id } = request.params
    const snapshot = await app.generator.cancel(request.userId, id) ??
      await persistedStatus(app.db, await getOwnTopic(app.db, request.userId, id))
    if (!snapshot) throw notFound(`No generation status found for topic_id ${id}`)
    return ok(snapshot)
  })
}

export default cancelRoutes
