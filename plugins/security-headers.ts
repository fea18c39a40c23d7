import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/** A year, the value browsers' preload lists ask for. */
const HSTS = 'max-age=31536000; includeSubDomains'

/**
 * Headers every answer needs: no MIME sniffing anywhere, JSON (users' plans, reports, statuses)
 * never kept by a browser or shared cache, and HSTS once the request is known to have come
 * over TLS — which behind a proxy only `X-Forwarded-Proto` from a trusted proxy (TRUST_PROXY) says.
 */
export default fp(async function securityHeaders (app: FastifyInstance) {
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff')
    const type = reply.getHeader('content-type')
    if (typeof type === 'string' && type.startsWith('application/json')) reply.header('cache-control', 'no-store')
    if (request.protocol === 'https') reply.header('strict-transport-security', HSTS)
    return payload
  })
}, { name: 'security-headers' })
