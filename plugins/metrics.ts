import { timingSafeEqual } from 'node:crypto'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { GenerationObserver } from '../src/generation/service.js'
import type { PlanResult } from '../src/planning/sequential-planning.js'
import { AppError } from '../src/errors.js'
import { ErrorEnvelope } from '../src/schemas/error.js'

export interface Metrics extends GenerationObserver {
  /** Counts a /plan answer by where its outline came from: "template" is the fallback. */
  planAnswered: (source: PlanResult['source']) => void
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Metrics
  }
}

const METRICS_PATH = '/metrics'

const ignore: Metrics = { planAnswered: () => {}, generationFinished: () => {} }

/**
 * Prometheus metrics on GET /metrics, with prom-client directly: fastify-metrics' current line
 * needs Node 22, and most of what we measure is our own anyway. Each app has a registry of its
 * own, so several apps in one process (the tests) never share or double-register a metric.
 */
export default fp(async function metrics (app: FastifyInstance) {
  const { enabled, token } = app.config.metrics
  if (!enabled) {
    app.decorate('metrics', ignore)
    return
  }
  if (!token) app.log.warn('/metrics is open without a token (METRICS_ENABLED=true): keep it inside the network, or set METRICS_TOKEN')

  // Off by default, so the client is loaded only when they are on.
  const { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } = await import('prom-client')
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })

  const requestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration (a status stream counts its whole life)',
    labelNames: ['method', 'route', 'status_code'] as const,
    registers: [registry]
  })
  const generations = new Counter({
    name: 'reportflow_generations_total',
    help: 'Finished report generations by outcome',
    labelNames: ['outcome'] as const,
    registers: [registry]
  })
  const generationDuration = new Histogram({
    name: 'reportflow_generation_duration_seconds',
    help: 'Report generation duration, from start to saved (or failed)',
    labelNames: ['outcome'] as const,
    buckets: [5, 10, 20, 30, 60, 90, 120, 180, 300, 600],
    registers: [registry]
  })
  const plans = new Counter({
    name: 'reportflow_plans_total',
    help: 'Plans answered, by source; "template" means the fallback answered for Claude',
    labelNames: ['source'] as const,
    registers: [registry]
  })
  // Read at scrape time: the generator is decorated after this plugin, which it depends on.
  new Gauge({ // eslint-disable-line no-new
    name: 'reportflow_generations_running',
    help: 'Report generations running now',
    registers: [registry],
    collect () { this.set(app.generator.runningCount) }
  })
  new Gauge({ // eslint-disable-line no-new
    name: 'reportflow_status_streams_open',
    help: 'Open status streams (SSE subscribers)',
    registers: [registry],
    collect () { this.set(app.statusStore.subscriberCount()) }
  })

  // Pre-set label values, so a dashboard shows 0 rather than nothing before the first event.
  for (const outcome of ['completed', 'failed']) generations.inc({ outcome }, 0)
  for (const source of ['llm', 'template']) plans.inc({ source }, 0)

  app.decorate('metrics', {
    planAnswered: (source) => plans.inc({ source }),
    generationFinished: (outcome, durationMs) => {
      generations.inc({ outcome })
      if (durationMs !== undefined) generationDuration.observe({ outcome }, durationMs / 1000)
    }
  } satisfies Metrics)

  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, never the raw URL: ids in paths would make a series per topic.
    const route = request.routeOptions.url ?? 'unmatched'
    requestDuration.observe({ method: request.method, route, status_code: reply.statusCode }, reply.elapsedTime / 1000)
  })

  const expected = token === undefined ? undefined : Buffer.from(`Bearer ${token}`)
  app.get(METRICS_PATH, {
    schema: {
      tags: ['operations'],
      summary: 'Prometheus metrics: off by default; METRICS_TOKEN turns them on behind that bearer token',
      security: token === undefined ? [] : [{ metricsToken: [] }],
      response: {
        200: {
          description: 'Prometheus text exposition format',
          content: { 'text/plain': { schema: { type: 'string' } } }
        },
        401: Type.Ref(ErrorEnvelope)
      }
    },
    onRequest: async (request) => {
      if (expected === undefined) return
      const given = Buffer.from(request.headers.authorization ?? '')
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw new AppError('UNAUTHORIZED', '지표를 보려면 METRICS_TOKEN을 Bearer 토큰으로 보내야 합니다.')
      }
    }
  }, async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()))
}, { name: 'metrics', dependencies: ['config', 'status-store'] })
