import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { AppError } from '../src/errors.js'

/** Limits are opt-in per route (config.rateLimit); the answer is our envelope with Retry-After. */
export default fp(async function rateLimitPlugin (app: FastifyInstance) {
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new AppError('RATE_LIMITED', `Too many requests: at most ${context.max} per window, try again in ${context.after}`, {
        hint: 'Wait for the number of seconds in the Retry-After header'
      })
  })
}, { name: 'rate-limit' })
