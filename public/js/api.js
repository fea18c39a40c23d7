import { storedToken } from './session.js'

/** An answer of the API that was not a success, with the envelope's code. */
export class ApiError extends Error {
  constructor (status, code, message, retryAfterSeconds = null) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.retryAfterSeconds = retryAfterSeconds
  }
}

/**
 * What the user reads when the server's answer has no Korean sentence of its own (a proxy's page,
 * a dropped connection): the page's sentence for each kind of failure. The server's messages are
 * Korean and say which thing failed and what to do, so they are shown when present, except for the
 * codes in PAGE_OWN_CODES.
 */
const KOREAN_BY_CODE = {
  VALIDATION_ERROR: '입력한 내용 중 받아들일 수 없는 부분이 있습니다. 내용을 확인한 뒤 다시 시도하세요.',
  UNAUTHORIZED: '로그인이 만료되었습니다. 다시 로그인하세요.',
  NOT_FOUND: '찾는 항목이 없습니다. 이미 삭제되었을 수 있으니 목록을 새로 고쳐 보세요.',
  CONFLICT: '지금은 할 수 없는 요청입니다. 잠시 뒤 다시 시도하세요.',
  PAYLOAD_TOO_LARGE: '보내려는 내용이 너무 깁니다. 줄인 뒤 다시 시도하세요.',
  SERVICE_UNAVAILABLE: '서비스가 잠시 응답하지 않습니다. 잠시 뒤 다시 시도하세요.',
  NETWORK: '서버에 연결하지 못했습니다. 인터넷 연결을 확인한 뒤 다시 시도하세요.'
}

/** Their server messages point API callers to routes and to /docs, which mean nothing on the page. */
const PAGE_OWN_CODES = new Set(['NOT_FOUND', 'VALIDATION_ERROR'])

const HANGUL = /[\uAC00-\uD7A3]/

export function describeError (error) {
  if (!(error instanceof ApiError)) return '예기치 못한 문제가 생겼습니다. 페이지를 새로 고친 뒤 다시 시도하세요.'
  if (HANGUL.test(error.message) && !PAGE_OWN_CODES.has(error.code)) return error.message
  if (error.code === 'RATE_LIMITED') {
    const seconds = error.retryAfterSeconds
    return seconds ? `요청이 너무 잦습니다. ${seconds}초 뒤에 다시 시도하세요.` : '요청이 너무 잦습니다. 잠시 뒤 다시 시도하세요.'
  }
  return KOREAN_BY_CODE[error.code] ?? '요청을 처리하지 못했습니다. 잠시 뒤 다시 시도하세요.'
}

/** Worth asking again: the connection failed or the server was briefly unable (a restart, a deploy). */
export const isPassing = (error) => error instanceof ApiError && (error.status === 0 || error.status >= 500)

async function send (path, { method = 'GET', body } = {}) {
  const headers = { authorization: `Bearer ${storedToken() ?? ''}` }
  if (body !== undefined) headers['content-type'] = 'application/json'
  try {
    return await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  } catch {
    throw new ApiError(0, 'NETWORK', '')
  }
}

async function failure (response) {
  const envelope = await response.json().catch(() => null)
  const error = envelope?.error
  const retryAfter = Number.parseInt(response.headers.get('retry-after') ?? '', 10)
  return new ApiError(response.status, error?.code ?? `HTTP_${response.status}`, error?.message ?? response.statusText,
    Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null)
}

/** Calls a JSON route and returns its `data`; anything else throws an ApiError. */
export async function api (path, options) {
  const response = await send(path, options)
  if (!response.ok) throw await failure(response)
  const envelope = await response.json()
  return envelope.data
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** `api`, asked again after 0.5, 1, 2 and 4 s while the failure is a passing one. */
export async function apiWithRetry (path, options, { attempts = 5, firstDelayMs = 500 } = {}) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await api(path, options)
    } catch (error) {
      if (attempt >= attempts || !isPassing(error)) throw error
      await sleep(firstDelayMs * 2 ** (attempt - 1))
    }
  }
}

/** A file behind the token (an artifact), as a Blob with the name the server gave it. */
export async function fetchFile (path) {
  const response = await send(path)
  if (!response.ok) throw await failure(response)
  return { blob: await response.blob(), filename: filenameOf(response.headers.get('content-disposition')) }
}

/** The RFC 6266 name: `filename*=UTF-8''…` (Korean names) wins over the plain `filename=`. */
function filenameOf (disposition) {
  if (!disposition) return null
  const extended = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(disposition)
  if (extended) {
    try {
      return decodeURIComponent(extended[1].trim())
    } catch {}
  }
  const plain = /filename\s*=\s*(?:"((?:\\.|[^"\\])*)"|([^;\s]+))/.exec(disposition)
  return plain ? (plain[1]?.replace(/\\(.)/g, '$1') ?? plain[2]) : null
}
