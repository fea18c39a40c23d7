import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Redis } from 'ioredis'
import { AppError } from '../src/errors.js'

/**
 * Limits are opt-in per route (config.rateLimit); the answer is our envelope with Retry-After.
 * With REDIS_URL the counters live in Redis, so a user's limit holds across every replica behind
 * the balancer; without it each process counts in its own memory (a single process needs no more).
 */
export default fp(async function rateLimitPlugin (app: FastifyInstance) {
  let redis: Redis | undefined
  if (app.config.redisUrl) {
    // Loaded only here: a single process, the common case, never pays for the Redis client at start.
    const { Redis } = await import('ioredis')
    // Short timeouts, as @fastify/rate-limit advises: a request never waits long on the counter.
    redis = new Redis(app.config.redisUrl, { connectTimeout: 500, maxRetriesPerRequest: 1, lazyConnect: true })
    redis.on('error', (error) => app.log.warn({ err: error }, 'rate-limit store (Redis) error'))
    await redis.connect()
    const connection = redis
    app.addHook('onClose', async () => { await connection.quit() })
  }
  await app.register(rateLimit, {
    global: false,
    redis,
    // Redis only shares the counters: while it is away requests are served uncounted (the error
    // handler above logs a warning) rather than failing the service's main routes with a 500.
    skipOnError: true,
    nameSpace: 'reportflow-rate-limit:',
    errorResponseBuilder: (_request, context) =>
      new AppError('RATE_LIMITED', `요청이 너무 많습니다. 정해진 시간 동안 ${context.max}번까지 요청할 수 있으니 ${Math.ceil(context.ttl / 1000)}초 뒤에 다시 시도해 주세요.`, {
        hint: 'Wait for the number of seconds in the Retry-After header'
      })
  })
}, { name: 'rate-limit', dependencies: ['config'] })
