import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import Fastify, { LogController, type FastifyServerOptions } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler'
import authPlugin from './plugins/auth.js'
import configPlugin from './plugins/config.js'
import databasePlugin from './plugins/database.js'
import errorsPlugin from './plugins/errors.js'
import generationPlugin from './plugins/generation.js'
import limitsPlugin from './plugins/limits.js'
import llmPlugin from './plugins/llm.js'
import metricsPlugin from './plugins/metrics.js'
import openapiPlugin from './plugins/openapi.js'
import planDraftsPlugin from './plugins/plan-drafts.js'
import rateLimitPlugin from './plugins/rate-limit.js'
import requestIdPlugin, { REQUEST_ID_HEADER } from './plugins/request-id.js'
import securityHeadersPlugin from './plugins/security-headers.js'
import staticPagePlugin from './plugins/static.js'
import statusStorePlugin from './plugins/status-store.js'
import validationPlugin from './plugins/validation.js'
import apiRoutes from './routes/api/index.js'
import healthRoutes from './routes/health.js'
import mcpRoutes from './routes/mcp/index.js'
import type { Config } from './src/config.js'
import type { DatabaseHandle } from './src/db/client.js'
import { loggerOptions } from './src/logging.js'
import { compilerPerArguments } from './src/schemas/compile-once.js'
import { ErrorEnvelope } from './src/schemas/error.js'

export interface BuildAppOptions {
  config: Config
  /**
   * The caller opens the database (`openDatabase(databaseOptions(config))` in production) and closes
   * it after the app: the server opens it while the app's modules load, tests share one across apps.
   */
  database: DatabaseHandle
  logger?: FastifyServerOptions['logger']
  /** The server starts the generation workers itself, once it listens (see plugins/generation.ts). */
  startWorkersAfterListen?: boolean
}

const PLUGIN_TIMEOUT_MS = 60_000

const SAFE_REQUEST_ID = /^[\w.:-]{1,128}$/

/** Keeps a caller's request id for tracing, unless it could smuggle something into our logs. */
function requestIdFor (request: IncomingMessage): string {
  const incoming = request.headers[REQUEST_ID_HEADER]
  return typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID()
}

/** Fastify's types omit the hop-count form of trustProxy, so it is spelled as the equivalent function. */
const trustHops = (hops: number) => (_address: string, hop: number) => hop < hops

const serializerCompiler = compilerPerArguments(SerializerSelector())

export async function buildApp ({ config, database, logger, startWorkersAfterListen = false }: BuildAppOptions) {
  const app = Fastify({
    logger: loggerOptions(config.logLevel, logger),
    trustProxy: typeof config.trustProxy === 'number' ? trustHops(config.trustProxy) : config.trustProxy,
    bodyLimit: config.bodyLimitBytes,
    genReqId: requestIdFor,
    // The same name as in error answers (meta.requestId), so a log line and an answer match by eye.
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    forceCloseConnections: 'idle',
    schemaController: {
      compilersFactory: {
        buildSerializer: serializerCompiler
      }
    },
    // avvio bounds each plugin's start and each close hook by this. Its 10 s default cut the
    // shutdown grace short (AVV_ERR_READY_TIMEOUT) and can fail a cold PGlite start on a busy
    // machine; the process's own exit deadline (server.ts) is what bounds a shutdown.
    pluginTimeout: Math.max(PLUGIN_TIMEOUT_MS, config.shutdownGraceMs + 10_000)
  }).withTypeProvider<TypeBoxTypeProvider>()

  app.addSchema(ErrorEnvelope)
  await app.register(configPlugin, { config })
  await app.register(validationPlugin)
  await app.register(errorsPlugin)
  await app.register(requestIdPlugin)
  await app.register(securityHeadersPlugin)
  await app.register(databasePlugin, { handle: database })
  await app.register(statusStorePlugin)
  await app.register(authPlugin)
  await app.register(rateLimitPlugin)
  await app.register(limitsPlugin)
  await app.register(llmPlugin)
  await app.register(planDraftsPlugin)
  await app.register(openapiPlugin)
  await app.register(metricsPlugin)
  await app.register(generationPlugin, { database, startWorkers: !startWorkersAfterListen })

  await app.register(healthRoutes, { database })
  await app.register(mcpRoutes)
  await app.register(apiRoutes, { prefix: '/api' })
  await app.register(staticPagePlugin)

  return app
}

export type App = Awaited<ReturnType<typeof buildApp>>
