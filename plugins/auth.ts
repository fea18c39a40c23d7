import fastifyJwt from '@fastify/jwt'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { JWT_ALGORITHM, randomJwtSecret, signUserToken, USER_ID_PATTERN } from '../src/auth.js'
import { AppError } from '../src/errors.js'

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: { sub: string }
    user: { sub: string }
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void>
    /** Signs a token for a user with this instance's secret (dev links, tests, the token script). */
    signToken: (userId: string) => string
  }
  interface FastifyContextConfig {
    /** EventSource cannot send headers, so the stream route also reads ?access_token=. */
    acceptsQueryToken?: boolean
  }
  interface FastifyRequest {
    userId: string
  }
}

export default fp(async function auth (app: FastifyInstance) {
  const configured = app.config.jwtSecret
  const secret = configured ?? randomJwtSecret()

  await app.register(fastifyJwt, {
    secret,
    sign: { algorithm: JWT_ALGORITHM },
    verify: {
      algorithms: [JWT_ALGORITHM],
      extractToken: (request: FastifyRequest) => {
        const header = request.headers.authorization
        if (header !== undefined) {
          const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
          if (!match) throw new AppError('UNAUTHORIZED', 'Authorization header must be "Bearer <token>"')
          return match[1]
        }
        const query = request.query as Record<string, unknown> | undefined
        if (request.routeOptions.config.acceptsQueryToken && typeof query?.access_token === 'string') {
          return query.access_token
        }
        throw new AppError('UNAUTHORIZED', 'Missing bearer token', { hint: 'Send Authorization: Bearer <token>' })
      }
    }
  })

  app.decorateRequest('userId', '')
  app.decorate('signToken', (userId: string) => signUserToken(secret, userId))
  app.decorate('authenticate', async (request: FastifyRequest, reply: FastifyReply) => {
    const user = await request.jwtVerify<{ sub?: unknown }>()
    if (typeof user.sub !== 'string' || !USER_ID_PATTERN.test(user.sub)) {
      throw new AppError('UNAUTHORIZED', 'The token has no valid "sub" (user id) claim')
    }
    request.userId = user.sub
    // Every later line of the request names the user, "request completed" too (it logs through the reply's logger).
    request.log = reply.log = request.log.child({ userId: user.sub })
  })

  if (!configured) {
    app.log.warn('JWT_SECRET is not set: using a random secret for this run only; tokens stop working at restart')
  }
}, { name: 'auth', dependencies: ['config'] })
