import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { AppError } from '../src/errors.js'

/** Limits are opt-in per route (config.rateLimit); the answer is our envelope with Retry-After. */
export default fp(async function rateLimitPlugin (app: FastifyInstance) {
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new AppError('RATE_LIMITED', `요청이 너무 많습니다. 정해진 시간 동안 ${context.max}번까지 요청할 수 있으니 ${Math.ceil(context.ttl / 1000)}초 뒤에 다시 시도해 주세요.`, {
        hint: 'Wait for the number of seconds in the Retry-After header'
      })
  })
}, { name: 'rate-limit' })
