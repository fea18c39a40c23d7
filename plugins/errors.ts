import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { DrizzleQueryError } from 'drizzle-orm'
import { isDatabaseUnavailable } from '../src/db/unavailable.js'
import { AppError, ERROR_STATUS, type ErrorCode } from '../src/errors.js'

export interface ValidationIssue {
  instancePath: string
  keyword: string
  message?: string
  params: Record<string, unknown>
}

function describeValidation (issues: ValidationIssue[], context: string | undefined): string {
  const first = issues[0]
  if (!first) return 'Invalid request'
  if (first.keyword === 'additionalProperties') {
    const where = first.instancePath ? ` (${first.instancePath.slice(1).replace(/\//g, '.')})` : ''
    return `알 수 없는 필드 '${String(first.params.additionalProperty)}'${where}는 보낼 수 없습니다. 필드 이름을 확인해 주세요.`
  }
  if (first.keyword === 'required') {
    const field = [first.instancePath.slice(1).replace(/\//g, '.'), first.params.missingProperty]
      .filter(Boolean).join('.')
    return `${field} is required`
  }
  const field = first.instancePath.slice(1).replace(/\//g, '.') || context || 'request'
  return `${field} ${first.message ?? 'is invalid'}`
}

/** The answer to input that failed its schema; `context` names the part checked (body, querystring, …). */
export function validationFailure (issues: ValidationIssue[], context: string | undefined): AppError {
  const details = issues.map((issue) => ({ field: `${context ?? ''}${issue.instancePath}`, message: issue.message }))
  return new AppError('VALIDATION_ERROR', describeValidation(issues, context), { details })
}

/** Seconds a client is asked to wait before retrying while the database is unreachable. */
const DATABASE_RETRY_AFTER_SECONDS = 5

export const databaseUnavailable = () => new AppError('SERVICE_UNAVAILABLE',
  '데이터베이스에 연결할 수 없어 요청을 처리하지 못했습니다. 잠시 후 다시 시도해 주세요.',
  { retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS })

/** Turns anything a route or Fastify itself throws into our envelope, with a safe message. */
function toAppError (error: FastifyError & { validation?: ValidationIssue[] }): AppError {
  if (error instanceof AppError) return error
  if (isDatabaseUnavailable(error)) return databaseUnavailable()
  if (error.validation) return validationFailure(error.validation, error.validationContext)
  const code = error.code ?? ''
  const status = error.statusCode ?? 500
  if (code.startsWith('FST_JWT_') || code.startsWith('FAST_JWT_') || status === 401) return invalidToken()
  switch (code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('VALIDATION_ERROR', 'Unsupported Content-Type: send application/json', {
        hint: 'Set the header Content-Type: application/json'
      })
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('VALIDATION_ERROR', 'The request body is not valid JSON')
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('VALIDATION_ERROR', 'The request body is empty but Content-Type is application/json')
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('PAYLOAD_TOO_LARGE', 'The request body is too large')
  }
  if (status === 413) return new AppError('PAYLOAD_TOO_LARGE', 'The request body is too large')
  if (status === 429) return new AppError('RATE_LIMITED', error.message)
  if (status === 404) return new AppError('NOT_FOUND', error.message)
  if (status === 503) return new AppError('SERVICE_UNAVAILABLE', 'The service is temporarily unavailable')
  if (status >= 400 && status < 500) {
    const known = Object.entries(ERROR_STATUS).find(([, value]) => value === status)?.[0] as ErrorCode | undefined
    return new AppError(known ?? 'VALIDATION_ERROR', error.message)
  }
  return new AppError('INTERNAL_ERROR', 'An internal error occurred')
}

/** One answer for every token that is not accepted: which check failed is for the log only. */
export const invalidToken = () => new AppError('UNAUTHORIZED', '로그인 정보(토큰)가 올바르지 않거나 만료되었습니다. 다시 로그인해 주세요.', {
  hint: 'Send Authorization: Bearer <token> with a current HS256 token'
})

/** What may be logged of an error: drizzle's wrapper spells out the statement's parameters (users' data), so only its query and the driver's error are. */
function loggable (error: Error): Record<string, unknown> {
  return error instanceof DrizzleQueryError ? { err: error.cause, query: error.query } : { err: error }
}

/** The body of every error answer (the ErrorEnvelope schema); MCP tool errors carry it too. */
export function errorEnvelope (error: AppError, requestId: string) {
  return {
    success: false as const,
    error: {
      code: error.code,
      message: error.message,
      ...(error.extra.details === undefined ? {} : { details: error.extra.details }),
      ...(error.extra.hint === undefined ? {} : { hint: error.extra.hint })
    },
    meta: { requestId }
  }
}

export function sendError (request: FastifyRequest, reply: FastifyReply, error: AppError) {
  if (error.extra.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.extra.retryAfterSeconds))
  return reply.code(error.statusCode).type('application/json; charset=utf-8').send(errorEnvelope(error, request.id))
}

export default fp(async function errors (app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const appError = toAppError(error)
    if (appError.code === 'SERVICE_UNAVAILABLE') {
      request.log.warn(loggable(error), 'request failed: service unavailable')
    } else if (appError.statusCode >= 500) {
      request.log.error(loggable(error), 'request failed')
    } else {
      request.log.info({ code: appError.code, reason: error instanceof DrizzleQueryError ? 'database error' : error.message }, 'request rejected')
    }
    return sendError(request, reply, appError)
  })

  app.setNotFoundHandler((request, reply) =>
    sendError(request, reply, new AppError('NOT_FOUND', `Route ${request.method} ${request.url.split('?')[0]} not found`)))
}, { name: 'errors' })
