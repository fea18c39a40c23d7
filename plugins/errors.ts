import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { DrizzleQueryError } from 'drizzle-orm'
import { isDatabaseUnavailable } from '../src/db/unavailable.js'
import { AppError } from '../src/errors.js'
import { UNSTORABLE_TEXT_MESSAGE } from '../src/text.js'

export interface ValidationIssue {
  instancePath: string
  keyword: string
  message?: string
  params: Record<string, unknown>
}

/** 은/는, 이/가, 을/를: the particle that fits the word's last syllable (whether it ends in a consonant). */
function particle (word: string, afterConsonant: string, afterVowel: string): string {
  const code = word.charCodeAt(word.length - 1)
  const hangul = code >= 0xac00 && code <= 0xd7a3
  return word + (hangul && (code - 0xac00) % 28 === 0 ? afterVowel : afterConsonant)
}

/** The request parts Fastify validates (and MCP tool arguments), as a reader names them. */
const PART_NAMES: Record<string, string> = {
  body: '요청 본문',
  querystring: '쿼리 문자열',
  params: '경로',
  headers: '요청 헤더',
  arguments: '도구 인자'
}

const TYPE_NAMES: Record<string, string> = {
  string: '문자열',
  integer: '정수',
  number: '숫자',
  boolean: 'true 또는 false',
  object: 'JSON 객체',
  array: '배열',
  null: 'null'
}

/** A field's dotted name (`template_id`, `sections.2.title`), or the part itself for the whole part. */
function subjectOf (issue: ValidationIssue, context: string | undefined): string {
  const path = issue.instancePath.slice(1).replace(/\//g, '.')
  if (path) return `${path} 필드`
  return PART_NAMES[context ?? ''] ?? '요청'
}

/** One schema failure in Korean: which field, what is wrong with it, and what to send instead. */
function describeIssue (issue: ValidationIssue, context: string | undefined): string {
  const { keyword, params } = issue
  const subject = subjectOf(issue, context)
  const limit = params.limit as number
  switch (keyword) {
    case 'additionalProperties': {
      const where = issue.instancePath ? ` (${issue.instancePath.slice(1).replace(/\//g, '.')})` : ''
      return `알 수 없는 필드 '${String(params.additionalProperty)}'${where}는 보낼 수 없습니다. 필드 이름을 확인해 주세요.`
    }
    case 'required': {
      const field = [issue.instancePath.slice(1).replace(/\//g, '.'), params.missingProperty].filter(Boolean).join('.')
      return `${field} 필드가 없습니다. ${field} 필드를 넣어 다시 보내 주세요.`
    }
    case 'type': {
      const expected = String(params.type).split(',').map((type) => TYPE_NAMES[type] ?? type).join(' 또는 ')
      return `${particle(subject, '은', '는')} ${expected} 값이어야 합니다. 값의 형식을 확인해 주세요.`
    }
    case 'minLength':
      return limit === 1
        ? `${particle(subject, '이', '가')} 비어 있습니다. 내용을 입력해 주세요.`
        : `${particle(subject, '은', '는')} ${limit}자 이상이어야 합니다. 내용을 더 입력해 주세요.`
    case 'maxLength':
      return `${particle(subject, '은', '는')} ${limit}자를 넘을 수 없습니다. ${limit}자 이하로 줄여 주세요.`
    case 'pattern':
      return params.pattern === '\\S'
        ? `${particle(subject, '이', '가')} 공백뿐입니다. 내용을 입력해 주세요.`
        : `${subject}의 형식이 올바르지 않습니다. API 문서(/docs)에 적힌 형식으로 보내 주세요.`
    case 'minimum':
      return `${particle(subject, '은', '는')} ${limit} 이상이어야 합니다. 값을 확인해 주세요.`
    case 'maximum':
      return `${particle(subject, '은', '는')} ${limit} 이하여야 합니다. 값을 확인해 주세요.`
    case 'format':
      return `${subject}의 형식이 올바르지 않습니다. ${String(params.format)} 형식으로 보내 주세요.`
    case 'const':
      return `${particle(subject, '은', '는')} ${JSON.stringify(params.allowedValue)}만 보낼 수 있습니다. 값을 확인해 주세요.`
    case 'enum':
      return `${subject}에 쓸 수 없는 값입니다. ${(params.allowedValues as unknown[]).map((value) => JSON.stringify(value)).join(', ')} 중 하나를 보내 주세요.`
    case 'text':
      return `${subject}에 ${issue.message ?? UNSTORABLE_TEXT_MESSAGE}`
    default:
      return `${subject}의 값이 올바르지 않습니다. API 문서(/docs)에 적힌 형식으로 보내 주세요.`
  }
}

/** The answer to input that failed its schema; `context` names the part checked (body, querystring, …). */
export function validationFailure (issues: ValidationIssue[], context: string | undefined): AppError {
  const details = issues.map((issue) => ({ field: `${context ?? ''}${issue.instancePath}`, message: describeIssue(issue, context) }))
  const message = issues[0] ? describeIssue(issues[0], context) : '요청이 올바르지 않습니다. 보낸 값을 확인해 주세요.'
  return new AppError('VALIDATION_ERROR', message, { details })
}

/** Seconds a client is asked to wait before retrying while the database is unreachable. */
const DATABASE_RETRY_AFTER_SECONDS = 5

export const databaseUnavailable = () => new AppError('SERVICE_UNAVAILABLE',
  '데이터베이스에 연결할 수 없어 요청을 처리하지 못했습니다. 잠시 후 다시 시도해 주세요.',
  { retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS })

const payloadTooLarge = () => new AppError('PAYLOAD_TOO_LARGE', '요청 본문이 너무 큽니다. 보내는 내용을 줄여 다시 시도해 주세요.')

export const serviceUnavailable = () => new AppError('SERVICE_UNAVAILABLE', '지금은 서비스를 쓸 수 없습니다. 잠시 후 다시 시도해 주세요.')

/** What a client learns of a fault of ours: that it happened, and that the request may be retried. */
export const internalError = () => new AppError('INTERNAL_ERROR', '서버에서 오류가 나서 요청을 처리하지 못했습니다. 잠시 후 다시 시도해 주세요.')

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
      return new AppError('VALIDATION_ERROR', '요청 본문은 JSON이어야 합니다. Content-Type: application/json 헤더와 함께 JSON으로 보내 주세요.', {
        hint: 'Set the header Content-Type: application/json'
      })
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('VALIDATION_ERROR', '요청 본문이 올바른 JSON이 아닙니다. JSON 문법을 확인해 주세요.')
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('VALIDATION_ERROR', '요청 본문이 비어 있습니다. Content-Type이 application/json이면 JSON 본문을 함께 보내 주세요.')
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return payloadTooLarge()
  }
  if (status === 413) return payloadTooLarge()
  if (status === 429) return new AppError('RATE_LIMITED', error.message)
  if (status === 404) return new AppError('NOT_FOUND', '요청한 것을 찾을 수 없습니다. 주소를 확인해 주세요.')
  if (status === 503) return serviceUnavailable()
  // Any other 4xx goes out as a 400, so the sentence names no status: each code has its one status,
  // and a framework's 422 or 409 is not an idempotency key reused or a topic's state.
  if (status >= 400 && status < 500) return new AppError('VALIDATION_ERROR', '요청을 처리할 수 없습니다. 보낸 주소와 헤더, 본문을 확인해 주세요.')
  return internalError()
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
      // A refusal of our own (starting up, shedding load) says all in its code and message; its stack
      // would only fill the start-up log, where every readiness probe before the workers run gets one.
      request.log.warn(error instanceof AppError ? { code: error.code, reason: error.message } : loggable(error), 'request failed: service unavailable')
    } else if (appError.statusCode >= 500) {
      request.log.error(loggable(error), 'request failed')
    } else {
      request.log.info({ code: appError.code, reason: error instanceof DrizzleQueryError ? 'database error' : error.message }, 'request rejected')
    }
    return sendError(request, reply, appError)
  })

  app.setNotFoundHandler((request, reply) =>
    sendError(request, reply, new AppError('NOT_FOUND', `${request.method} ${request.url.split('?')[0]} 경로는 없습니다. 주소와 메서드를 확인해 주세요.`)))
}, { name: 'errors' })
