import type { FastifyRequest, FastifyServerOptions } from 'fastify'

/** Query parameters that carry credentials: the stream's access token and the dev sign-in link's. */
const SECRET_QUERY = /([?&](?:access_token|token)=)[^&#]*/gi

export const redactUrl = (url: string) => url.replace(SECRET_QUERY, '$1[redacted]')

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
