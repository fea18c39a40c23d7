import type { FastifyRequest, FastifyServerOptions } from 'fastify'

/** Query parameters that carry credentials: the stream's access token and the dev sign-in link's. */
const SECRET_PARAMETERS = new Set(['access_token', 'token'])

/** A query parameter's name as the query parser reads it (`access%5Ftoken` is `access_token`). */
function decodedName (raw: string): string | undefined {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' ')).trim().toLowerCase()
  } catch {
    return undefined
  }
}

/**
 * The URL with the value of every credential parameter replaced, judged by the name as decoded —
 * the way the route reads it — so no spelling of the name slips a token into the log. A name
 * that cannot be decoded is redacted too.
 */
export function redactUrl (url: string): string {
  const queryStart = url.indexOf('?')
  if (queryStart === -1) return url
  const fragmentStart = url.indexOf('#', queryStart)
  const queryEnd = fragmentStart === -1 ? url.length : fragmentStart
  const parts = url.slice(queryStart + 1, queryEnd).split('&').map((part) => {
    const equals = part.indexOf('=')
    if (equals === -1) return part
    const name = decodedName(part.slice(0, equals))
    return name === undefined || SECRET_PARAMETERS.has(name) ? `${part.slice(0, equals)}=[redacted]` : part
  })
  return `${url.slice(0, queryStart)}?${parts.join('&')}${url.slice(queryEnd)}`
}

/**
 * Fastify's request serializer, minus the credentials EventSource clients have to put in the URL:
 * a token in a log line is a token anyone with log access can use.
 */
const serializers = {
  req: (request: FastifyRequest) => ({
    method: request.method,
    url: redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort
  })
}

type LoggerOption = FastifyServerOptions['logger']

export function loggerOptions (level: string, override: LoggerOption): LoggerOption {
  if (override === undefined) return { level, serializers }
  if (typeof override === 'object' && override !== null) return { serializers, ...override }
  return override
}

/** The development sign-in link as a person at a terminal reads it: the URL alone on its line. */
export const signInNotice = (user: string, link: string) =>
  `\n개발용 로그인 링크 (사용자 "${user}", 이번 실행 동안 유효합니다):\n${link}\n\n`
