import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { DatabaseHandle } from '../src/db/client.js'
import { GenerationService } from '../src/generation/service.js'
import type { StatusReader } from '../src/status/reader.js'

declare module 'fastify' {
  interface FastifyInstance {
    generator: GenerationService
    statusReader: StatusReader
  }
}

/** Conversion and saving after Claude's stream are given this long on top of its timeout. */
const FINISHING_SECONDS = 120

export interface GenerationPluginOptions {
  /** The whole handle: the job queue shares PGlite's connection or opens its own to the Postgres URL. */
  database: DatabaseHandle
  /**
   * Start the workers with the app (tests, scripts, benchmarks), or leave that to the caller: the
   * server starts them right after it listens, so /health answers without waiting for the queue
   * (on PGlite about a third of a start), and /ready says ready once they run.
   */
  startWorkers: boolean
}

export default fp<GenerationPluginOptions>(async function generation (app: FastifyInstance, { database, startWorkers }) {
  const { config } = app
  const generator = new GenerationService({
    database,
    llm: app.llm,
    store: app.statusStore,
    log: app.log,
    shutdownGraceMs: config.shutdownGraceMs,
    concurrency: config.generation.concurrency,
    maxAttempts: config.generation.maxAttempts,
    heartbeatSeconds: config.generation.heartbeatSeconds,
    monitorSeconds: config.generation.monitorSeconds,
    progressIntervalMs: config.generation.progressIntervalMs,
    conversionWarmUpRounds: config.generation.conversionWarmUpRounds,
    jobTimeoutSeconds: Math.ceil(config.anthropic.reportTimeoutMs / 1000) + FINISHING_SECONDS,
    statusTtlMs: config.statusTtlMs,
    idempotencyKeyTtlMs: config.idempotencyKeyTtlMs,
    observer: app.metrics
  })
  if (startWorkers) await generator.start()
  app.decorate('generator', generator)
  app.decorate('statusReader', generator.statusReader)
  // preClose runs before the server stops and before the database plugin's onClose, so running
  // generations can still save their results (or hand their job back) during the grace period.
  app.addHook('preClose', async () => { await generator.shutdown() })
}, { name: 'generation', dependencies: ['llm', 'status-store', 'metrics'] })
