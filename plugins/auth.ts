import fastifyJwt from '@fastify/jwt'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Logger } from 'pino'
import { JWT_ALGORITHM, randomJwtSecret, signUserToken, tokenClaimsProblem, VerifiedTokens } from '../src/auth.js'
import { AppError } from '../src/errors.js'
import { invalidToken } from './errors.js'

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

/** How long a verified token is trusted without checking its signature again (never past its `exp`). */
const VERIFIED_TOKEN_TTL_MS = 30_000
/** Verified tokens remembered at most: about 300 bytes each. */
const VERIFIED_TOKENS_MAX = 10_000

/** The bearer token of the request: the Authorization header, or `?access_token=` where a route accepts it. */
function bearerToken (request: FastifyRequest): string {
  const header = request.headers.authorization
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
    if (!match) throw new AppError('UNAUTHORIZED', 'Authorization 헤더는 "Bearer <토큰>" 형식이어야 합니다.')
    return match[1]!
  }
  const query = request.query as Record<string, unknown> | undefined
  if (request.routeOptions.config.acceptsQueryToken && typeof query?.access_token === 'string') {
    return query.access_token
  }
  throw new AppError('UNAUTHORIZED', '로그인이 필요합니다. 토큰을 Authorization: Bearer 헤더로 보내 주세요.', { hint: 'Send Authorization: Bearer <token>' })
}

export default fp(async function auth (app: FastifyInstance) {
  const configured = app.config.jwtSecret
  const secret = configured ?? randomJwtSecret()

  await app.register(fastifyJwt, {
    secret,
    sign: { algorithm: JWT_ALGORITHM },
    verify: {
      algorithms: [JWT_ALGORITHM],
      extractToken: bearerToken
    }
  })

  app.decorateRequest('userId', '')
  app.decorate('signToken', (userId: string) => signUserToken(secret, userId))
  const maxAgeSeconds = app.config.jwtMaxAgeSeconds
  const verified = new VerifiedTokens(VERIFIED_TOKEN_TTL_MS, VERIFIED_TOKENS_MAX)
  app.decorate('authenticate', async function authenticate (request: FastifyRequest, reply: FastifyReply) {
    const token = bearerToken(request)
    const userId = verified.userOf(token) ?? await verifiedUser(request, token)
    request.userId = userId
    // Every later line of the request names the user, "request completed" too (the reply logs
    // through the same logger). That logger is the request's own (Fastify's child with the
    // request id): the user joins its bindings, which costs a poll far less than another child.
    const log = request.log as typeof request.log & Partial<Pick<Logger, 'setBindings'>>
    if (log.setBindings && request.log === reply.log) log.setBindings({ userId })
    else request.log = reply.log = request.log.child({ userId })
  })

  async function verifiedUser (request: FastifyRequest, token: string): Promise<string> {
    let claims: Record<string, unknown>
    try {
      claims = await request.jwtVerify<Record<string, unknown>>()
    } catch (error) {
      // A missing or malformed header keeps its own message; every other refusal (algorithm,
      // signature, nbf, exp, crit, claim types…) is one 401, its reason in the log only.
      if (error instanceof AppError) throw error
      request.log.info({ reason: (error as Error).message }, 'token rejected')
      throw invalidToken()
    }
    const problem = tokenClaimsProblem(claims, maxAgeSeconds)
    if (problem) {
      request.log.info({ reason: problem }, 'token rejected')
      throw invalidToken()
    }
    const userId = claims.sub as string
    verified.remember(token, userId, claims.exp as number)
    return userId
  }

  if (!configured) {
    app.log.warn('JWT_SECRET is not set: using a random secret for this run only; tokens stop working at restart')
  }
}, { name: 'auth', dependencies: ['config'] })
