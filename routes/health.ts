import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { DatabaseHandle } from '../src/db/client.js'
import { AppError } from '../src/errors.js'
import { ErrorEnvelope } from '../src/schemas/error.js'

const Health = Type.Object({ status: Type.Literal('ok') })

const health: FastifyPluginAsyncTypebox<{ database: DatabaseHandle }> = async (app, { database }) => {
  app.get('/health', {
    schema: { tags: ['operations'], summary: 'Liveness: the process answers', response: { 200: Health } }
  }, async function checkLiveness () { return { status: 'ok' as const } })

  app.get('/ready', {
    schema: {
      tags: ['operations'],
      summary: 'Readiness: the database answers and the report workers run',
      response: { 200: Type.Object({ status: Type.Literal('ready'), database: Type.String() }), 503: Type.Ref(ErrorEnvelope) }
    }
  }, async function checkReadiness (request) {
    // The server listens before the job queue has started (see server.ts); no traffic until it has.
    if (!app.generator.started) throw new AppError('SERVICE_UNAVAILABLE', '서비스를 시작하는 중입니다. 잠시 후 다시 확인해 주세요.', { retryAfterSeconds: 1 })
    const timeoutMs = app.config.database.readyTimeoutMs
    let timer: NodeJS.Timeout | undefined
    // However the database fails — refusing, or accepting and never answering — the probe answers in time.
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer from the database within ${timeoutMs} ms`)), timeoutMs)
    })
    try {
      await Promise.race([database.ping(), deadline])
    } catch (error) {
      request.log.warn({ err: error }, 'readiness check failed')
      throw new AppError('SERVICE_UNAVAILABLE', '데이터베이스가 응답하지 않습니다. 잠시 후 다시 확인해 주세요.', { retryAfterSeconds: 5 })
    } finally {
      clearTimeout(timer)
    }
    return { status: 'ready' as const, database: database.driver }
  })
}

export default health
