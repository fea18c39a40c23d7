import type { FastifyInstance } from 'fastify'
import { errorEnvelope, internalError, serviceUnavailable } from '../../plugins/errors.js'
import { AppError } from '../../src/errors.js'

export type ErrorEnvelope = ReturnType<typeof errorEnvelope>

/** An API answer other than success, carried to the MCP client as the API sent it. */
export class ApiFailure extends Error {
  override name = 'ApiFailure'
  constructor (readonly envelope: ErrorEnvelope) {
    super(envelope.error.message)
  }

  static of (error: AppError, requestId: string) {
    return new ApiFailure(errorEnvelope(error, requestId))
  }
}

export interface ApiRequest {
  method: 'GET' | 'POST' | 'DELETE'
  url: string
  query?: Record<string, string>
  payload?: unknown
}

export interface ApiFile {
  contentType: string
  bytes: Buffer
}

/**
 * The caller's MCP tools run the API's own routes in process (`app.inject`) with the caller's
 * bearer token: authentication, ownership, validation, the /plan rate limit, per-user caps and the
 * answer's exact shape and error messages are the routes' — MCP adds none and copies none.
 */
export class ApiClient {
  #calls = 0

  constructor (
    private readonly app: FastifyInstance,
    private readonly caller: { authorization: string, requestId: string }
  ) {}

  /** The `data` of a success answer; anything else throws ApiFailure with the answer's envelope. */
  async data<T = unknown> (request: ApiRequest): Promise<T> {
    const response = await this.#inject(request)
    const body = parseJson(response.body)
    if (response.statusCode >= 400) throw new ApiFailure(asEnvelope(response.statusCode, body, this.caller.requestId))
    if (!isObject(body) || body.success !== true) {
      throw ApiFailure.of(internalError(), this.caller.requestId)
    }
    return body.data as T
  }

  /** A download: the bytes and their media type. */
  async file (url: string): Promise<ApiFile> {
    const response = await this.#inject({ method: 'GET', url })
    if (response.statusCode >= 400) throw new ApiFailure(asEnvelope(response.statusCode, parseJson(response.body), this.caller.requestId))
    return { contentType: String(response.headers['content-type'] ?? 'application/octet-stream'), bytes: response.rawPayload }
  }

  #inject ({ method, url, query, payload }: ApiRequest) {
    return this.app.inject({
      method,
      url,
      query,
      payload: payload as Record<string, unknown> | undefined,
      headers: {
        authorization: this.caller.authorization,
        // Each inner request logs under the MCP request's id with a suffix, so one grep finds all of them.
        'x-request-id': `${this.caller.requestId}.${++this.#calls}`
      }
    })
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null

function parseJson (text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** Our routes always answer with the envelope; Fastify itself does not while it closes (a bare 503). */
function asEnvelope (statusCode: number, body: unknown, requestId: string): ErrorEnvelope {
  if (isObject(body) && body.success === false && isObject(body.error) && typeof body.error.code === 'string') {
    return body as ErrorEnvelope
  }
  const error = statusCode === 503 ? serviceUnavailable() : internalError()
  return errorEnvelope(error, requestId)
}
