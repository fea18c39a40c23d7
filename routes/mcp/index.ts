import type { FastifyInstance, FastifyReply } from 'fastify'
import fp from 'fastify-plugin'
import { internalError } from '../../plugins/errors.js'
import { ApiClient } from './api-client.js'
import { ApiRoutes } from './api-routes.js'
import { buildCatalogue, type CatalogueTool } from './tools.js'

const MCP_PATH = '/mcp'

/** No session, so no stream of server-initiated messages to open and nothing to delete (spec: answer 405). */
function methodNotAllowed (reply: FastifyReply) {
  return reply.code(405).header('allow', 'POST').send({
    jsonrpc: '2.0',
    error: { code: -32000, message: '이 MCP 서버는 세션 없이(stateless) 동작합니다: 모든 요청을 POST /mcp로 보내세요.' },
    id: null
  })
}

/**
 * Report generation as MCP tools at /mcp (Streamable HTTP, official SDK), for the same bearer
 * tokens as the API.
 *
 * Stateless: every POST gets its own server and transport, bound to the user its token names, and
 * answers on its own response (an SSE stream: the call's progress, then its result). Nothing lives between
 * requests, so any replica can answer any request, a restart or deploy loses no session, and there
 * is no session table to bound or expire. What a session would add — server-initiated messages on
 * GET and resource subscriptions — the tools do not need: progress travels on the call's stream.
 *
 * Registered before the API routes: it reads their schemas as they are registered (see ApiRoutes).
 */
export default fp(async function mcp (app: FastifyInstance) {
  const apiRoutes = new ApiRoutes()
  app.addHook('onRoute', (route) => apiRoutes.record(route))
  let catalogue: Map<string, CatalogueTool> | undefined
  app.addHook('onReady', async () => {
    catalogue = buildCatalogue(apiRoutes, app.validatorCompiler!)
  })

  await app.register(async (scope) => {
    scope.addHook('onRequest', scope.authenticate)

    scope.post(MCP_PATH, { schema: { hide: true } }, async function answerMcpRequest (request, reply) {
      // The MCP SDK (with zod) is a large module graph: the first call loads it, not every start.
      const [{ StreamableHTTPServerTransport }, { createMcpServer }] = await Promise.all([
        import('@modelcontextprotocol/sdk/server/streamableHttp.js'), import('./server.js')
      ])
      const server = createMcpServer({
        catalogue: catalogue!,
        api: new ApiClient(app, { authorization: request.headers.authorization!, requestId: request.id }),
        store: app.statusStore,
        holdStreamSlot: (topicId) => app.limits.holdStreamSlot(request.userId, topicId),
        requestId: request.id,
        log: request.log
      })
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined })
      transport.onerror = (error) => request.log.info({ err: error }, 'MCP request rejected')
      // The transport writes the answer itself; headers set so far (x-request-id) go with it.
      reply.hijack()
      for (const [name, value] of Object.entries(reply.getHeaders())) {
        if (value !== undefined) reply.raw.setHeader(name, value)
      }
      // Closing the server aborts calls still running (a wait for a generation) once the client has gone.
      reply.raw.once('close', () => { server.close().catch((error: unknown) => request.log.warn({ err: error }, 'MCP server close failed')) })
      try {
        await server.connect(transport)
        await transport.handleRequest(request.raw, reply.raw, request.body)
      } catch (error) {
        request.log.error({ err: error }, 'MCP request failed')
        if (!reply.raw.headersSent) {
          reply.raw.writeHead(500, { 'content-type': 'application/json' })
            .end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32603, message: internalError().message }, id: null }))
        } else {
          reply.raw.destroy()
        }
      }
    })

    scope.get(MCP_PATH, { schema: { hide: true } }, async (_request, reply) => methodNotAllowed(reply))
    scope.delete(MCP_PATH, { schema: { hide: true } }, async (_request, reply) => methodNotAllowed(reply))
  })
}, { name: 'mcp', dependencies: ['auth', 'status-store', 'validation', 'limits'] })
