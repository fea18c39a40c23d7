import { buildApp } from '../app.js'
import { signUserToken } from '../src/auth.js'
import { loadConfig } from '../src/config.js'
import { openDatabase } from '../src/db/client.js'

export const BENCH_SECRET = 'bench-secret-that-is-long-enough-for-hs256'

/**
 * What one user may do is capped (README, Limits per user); the benchmarks measure the service
 * with one user standing in for many, so those caps are lifted unless a benchmark sets them.
 */
const UNCAPPED = {
  PLAN_RATE_LIMIT_MAX: '1000000',
  GENERATE_RATE_LIMIT_MAX: '1000000',
  GENERATIONS_RUNNING_PER_USER: '1000000',
  STREAMS_PER_USER: '1000000',
  STREAMS_PER_TOPIC: '1000000'
}

/**
 * A listening server as in production (real HTTP, PGlite unless BENCH_DATABASE_URL names Postgres;
 * a `databaseUrl` of '' asks for PGlite whatever the environment says).
 */
export async function startBenchServer (env: Record<string, string> = {}, databaseUrl = process.env.BENCH_DATABASE_URL) {
  const database = await openDatabase({ url: databaseUrl || undefined })
  const app = await buildApp({
    config: loadConfig({ JWT_SECRET: BENCH_SECRET, LOG_LEVEL: 'silent', ...UNCAPPED, ...env }),
    database
  })
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  return {
    app,
    url: address,
    driver: database.driver,
    close: async () => { await app.close(); await database.close() }
  }
}

export const authHeader = (user: string) => ({ authorization: `Bearer ${signUserToken(BENCH_SECRET, user)}` })

export function percentile (sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}

export function summarize (samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b)
  return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? NaN }
}

export const ms = (value: number) => `${value.toFixed(1)} ms`

export async function timed<T> (fn: () => Promise<T>): Promise<[T, number]> {
  const startedAt = performance.now()
  const result = await fn()
  return [result, performance.now() - startedAt]
}
