import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { conflict } from '../../src/errors.js'
import { persistedStatus } from '../../src/status/persisted.js'
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
    const { id } = request.params
    const { topic, snapshot: cancelled } = await app.generator.cancel(request.userId, id)
    const snapshot = cancelled ?? await persistedStatus(app.db, topic)
    if (!snapshot) throw conflict('아직 생성을 시작하지 않은 보고서여서 취소할 것이 없습니다. 보고서 생성을 시작한 뒤에 취소해 주세요.')
    return ok(snapshot)
  })
}

export default cancelRoutes
