import { storedToken } from './session.js'

/** An answer of the API that was not a success, with the envelope's code and message. */
export class ApiError extends Error {
  constructor (status, code, message) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
  }
}

const KOREAN_BY_CODE = {
  VALIDATION_ERROR: '입력한 내용을 확인하세요.',
  UNAUTHORIZED: '로그인이 필요하거나 토큰이 만료되었습니다.',
  NOT_FOUND: '찾을 수 없습니다.',
  CONFLICT: '이미 진행 중인 작업이 있습니다.',
  PAYLOAD_TOO_LARGE: '보낸 내용이 너무 깁니다.',
  RATE_LIMITED: '요청이 너무 많습니다. 잠시 후 다시 시도하세요.',
  SERVICE_UNAVAILABLE: '서비스를 잠시 사용할 수 없습니다. 잠시 후 다시 시도하세요.',
  NETWORK: '서버에 연결할 수 없습니다. 네트워크 연결을 확인하세요.'
}

/** A sentence for the user: what happened in Korean, then the server's own words for the details. */
export function describeError (error) {
  if (!(error instanceof ApiError)) return `예기치 못한 오류가 발생했습니다. (${error?.message ?? error})`
  const summary = KOREAN_BY_CODE[error.code] ?? '요청을 처리하지 못했습니다.'
  return error.code === 'NETWORK' || !error.message ? summary : `${summary} (${error.message})`
}

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
  return new ApiError(response.status, error?.code ?? `HTTP_${response.status}`, error?.message ?? response.statusText)
}

/** Calls a JSON route and returns its `data`; anything else throws an ApiError. */
export async function api (path, options) {
  const response = await send(path, options)
  if (!response.ok) throw await failure(response)
  const envelope = await response.json()
  return envelope.data
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
