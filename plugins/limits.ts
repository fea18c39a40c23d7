import type { FastifyInstance, FastifyReply, FastifyRequest, RouteShorthandOptions } from 'fastify'
import fp from 'fastify-plugin'
import { GenerationAdmission } from '../src/limits/generation-admission.js'
import { StreamSlots } from '../src/limits/stream-slots.js'

type RateLimitConfig = NonNullable<NonNullable<RouteShorthandOptions['config']>['rateLimit']>

export interface Limits {
  /** preHandler of /generate: refuses (429) while the user has the maximum of generations running. */
  admitGeneration: (request: FastifyRequest, reply: FastifyReply) => Promise<void>
  /** preHandler of the status stream: holds a slot of the user's and the topic's for the stream's life. */
  admitStream: (request: FastifyRequest, reply: FastifyReply) => Promise<void>
  /** The same slot for another way of following a run (an MCP call that waits); the function gives it back. */
  holdStreamSlot: (userId: string, topicId: number) => () => void
  /** Route rate limit of /generate: starts per user per window. */
  generateRate: RateLimitConfig
}

declare module 'fastify' {
  interface FastifyInstance {
    limits: Limits
  }
}

/**
 * What one user may spend (issue 18): generations running at once, generation starts per hour,
 * and open status streams, each refused with 429 RATE_LIMITED and Retry-After in our envelope.
 * Routes only attach these; the rules live in src/limits.
 */
export default fp(async function limits (app: FastifyInstance) {
  const { generationsRunningPerUser, generateRate, streamsPerUser, streamsPerTopic } = app.config.limits
  const admission = new GenerationAdmission(app.db, generationsRunningPerUser)
  const slots = new StreamSlots({ perUser: streamsPerUser, perTopic: streamsPerTopic })

  app.decorate('limits', {
    admitGeneration: async (request, reply) => {
      const endTurn = await admission.admit(request.userId)
      // The turn lasts until the answer is out: by then the topic is marked generating and counts.
      reply.raw.once('close', endTurn)
    },
    admitStream: async (request, reply) => {
      const release = slots.acquire(request.userId, (request.params as { id: number }).id)
      reply.raw.once('close', release)
    },
    holdStreamSlot: (userId, topicId) => slots.acquire(userId, topicId),
    generateRate: {
      max: generateRate.max,
      timeWindow: generateRate.windowMs,
      keyGenerator: (request) => `generate:${request.userId}`
    }
  } satisfies Limits)
}, { name: 'limits', dependencies: ['config', 'database', 'rate-limit'] })
