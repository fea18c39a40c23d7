import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
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
    return ok(await app.statusReader.readStatus(request.userId, request.params.id))
  })
}

export default statusRoutes
