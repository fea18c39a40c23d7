export const ERROR_STATUS = {
  VALIDATION_ERROR: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  IDEMPOTENCY_KEY_REUSED: 422,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  SERVICE_UNAVAILABLE: 503
} as const

export type ErrorCode = keyof typeof ERROR_STATUS

/**
 * An error whose message is safe to show to the client. Anything else that escapes a
 * handler is reported as INTERNAL_ERROR with a generic message.
 */
export class AppError extends Error {
  override name = 'AppError'
  readonly statusCode: number

  constructor (
    readonly code: ErrorCode,
    message: string,
    readonly extra: { details?: unknown, hint?: string, retryAfterSeconds?: number } = {}
  ) {
    super(message)
    this.statusCode = ERROR_STATUS[code]
  }
}

export const notFound = (message: string) => new AppError('NOT_FOUND', message)
export const conflict = (message: string) => new AppError('CONFLICT', message)

/** Someone else's topic is answered exactly like one that does not exist. */
export const topicNotFound = (id: number) =>
  notFound(`${id}번 보고서 주제를 찾을 수 없습니다. 내 보고서 목록(GET /api/topics)에서 id를 확인해 주세요.`)

export const templateNotFound = (id: number) =>
  notFound(`${id}번 템플릿을 찾을 수 없습니다. 템플릿 목록(GET /api/templates)에서 id를 확인해 주세요.`)

export const artifactNotFound = (id: number) =>
  notFound(`${id}번 파일을 찾을 수 없습니다. 보고서의 파일 목록(GET /api/topics/{id}/artifacts)에서 id를 확인해 주세요.`)

/** The topic exists, but no report has been generated from it yet, so there is no progress to show. */
export const generationStatusNotFound = (id: number) =>
  notFound(`${id}번 보고서는 아직 생성을 시작하지 않아 진행 상황이 없습니다. 보고서 생성(POST /api/topics/generate)을 시작한 뒤에 확인해 주세요.`)
