import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { IdParams, ok, Success } from '../../src/schemas/common.js'
import { ErrorAnswer, withNotFound } from '../../src/schemas/error.js'
import { StatusSchema } from '../../src/schemas/status.js'

const cancelRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/topics/:id/cancel', {
    schema: {
      tags: ['topics'],
      summary: 'Cancel the report being written (or waiting); answers the resulting status',
      description: 'Works on any replica: the process writing the report stops within a second and saves nothing. ' +
        'The final status is `cancelled`, the stream\'s completion event carries it, and the topic can be generated again. ' +
        'Idempotent: a report that has already finished or been cancelled answers its current status. ' +
        'A topic that was planned but never generated is a 409.',
      params: IdParams,
      response: { 200: Success(StatusSchema), ...withNotFound, 409: ErrorAnswer }
    }
  }, async function cancelReportGeneration (request) {
    return ok(await app.generator.cancelGeneration(request.userId, request.params.id))
  })
}

export default cancelRoutes
