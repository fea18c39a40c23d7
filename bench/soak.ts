import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { setFlagsFromString, writeHeapSnapshot } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { buildApp } from '../app.js'
import { loadConfig } from '../src/config.js'
import { openDatabase } from '../src/db/client.js'
import { FakeAnthropic } from '../test/support/fake-anthropic.js'
import { authHeader, BENCH_SECRET } from './support.js'

/**
 * Memory soak (issue 12): BENCH_SOAK_TOTAL generations (10 000 by default), BENCH_SOAK_PARALLEL
 * (10) at a time, the fake Claude answering at once, in one process as in production. The
 * process's RSS after the 1 000th generation and after the last must differ by less than 20 MB:
 * memory holds the runs under way and a bounded cache, the event log the rest.
 *
 * Postgres with BENCH_DATABASE_URL; otherwise PGlite in a temporary directory (in memory, the
 * embedded database's own pages would count as the process's and grow with every saved report).
 * BENCH_SOAK_HEAP=<dir> writes heap snapshots at both points, to compare in Chrome DevTools.
 */
const TOTAL = Number(process.env.BENCH_SOAK_TOTAL ?? 10_000)
const PARALLEL = Number(process.env.BENCH_SOAK_PARALLEL ?? 10)
const BASELINE_AT = Math.min(1000, Math.floor(TOTAL / 2))
const PLAN = '# 벤치마크\n\n## 요약\n\n요약\n\n## 분석\n\n분석\n\n## 결론\n\n결론\n'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void
const settledRss = () => {
  gc()
  gc()
  return process.memoryUsage()
}
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`

const fake = await new FakeAnthropic().start()
fake.defaultReport = { kind: 'report', chunkDelayMs: 0 }
const pgliteDir = process.env.BENCH_DATABASE_URL ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'reportflow-soak-'))
const database = await openDatabase({ url: process.env.BENCH_DATABASE_URL || undefined, pgliteDir })
const app = await buildApp({
  config: loadConfig({
    JWT_SECRET: BENCH_SECRET,
    LOG_LEVEL: 'silent',
    ANTHROPIC_API_KEY: 'bench',
    ANTHROPIC_BASE_URL: fake.url,
    GENERATION_CONCURRENCY: String(PARALLEL),
    GENERATIONS_RUNNING_PER_USER: '1000000',
    GENERATE_RATE_LIMIT_MAX: '1000000'
  }),
  database
})
const url = await app.listen({ port: 0, host: '127.0.0.1' })
console.log(`database: ${database.driver}; ${TOTAL} generations, ${PARALLEL} at a time\n`)

const users = Array.from({ length: PARALLEL }, (_, i) => authHeader(`bench-soak-${i}`))
let started = 0
let finished = 0
let failed = 0
let baseline: NodeJS.MemoryUsage | undefined
const startedAt = performance.now()

async function generateOne (headers: Record<string, string>): Promise<void> {
  const res = await fetch(`${url}/api/topics/generate`, {
    method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ topic: '메모리 점검', plan: PLAN })
  })
  const body = await res.json() as { data: { topic_id: number } }
  if (res.status !== 202) throw new Error(`generate answered ${res.status}: ${JSON.stringify(body)}`)
  let last: string | undefined
  for await (const event of app.statusStore.subscribe(body.data.topic_id)) last = event.snapshot.status
  if (last !== 'completed') failed++
}

async function client (headers: Record<string, string>): Promise<void> {
  while (started < TOTAL) {
    started++
    await generateOne(headers)
    finished++
    if (finished === BASELINE_AT) {
      baseline = settledRss()
      console.log(`after ${finished}: rss ${mb(baseline.rss)}, heap used ${mb(baseline.heapUsed)}, external ${mb(baseline.external)} (${((performance.now() - startedAt) / 1000).toFixed(0)} s)`)
      if (process.env.BENCH_SOAK_HEAP) console.log(`heap snapshot: ${writeHeapSnapshot(path.join(process.env.BENCH_SOAK_HEAP, `soak-${finished}.heapsnapshot`))}`)
    } else if (finished % 1000 === 0) {
      const now = process.memoryUsage()
      console.log(`after ${finished}: rss ${mb(now.rss)}, heap used ${mb(now.heapUsed)} (${((performance.now() - startedAt) / 1000).toFixed(0)} s)`)
    }
  }
}

await Promise.all(users.map((headers) => client(headers)))
// The last runs' final events reach the store before their subscriptions end; let the writes behind them settle.
await new Promise((resolve) => setTimeout(resolve, 2000))
const end = settledRss()
console.log(`after ${finished}: rss ${mb(end.rss)}, heap used ${mb(end.heapUsed)}, external ${mb(end.external)} (${((performance.now() - startedAt) / 1000).toFixed(0)} s)`)
if (process.env.BENCH_SOAK_HEAP) console.log(`heap snapshot: ${writeHeapSnapshot(path.join(process.env.BENCH_SOAK_HEAP, `soak-${finished}.heapsnapshot`))}`)
const growth = end.rss - baseline!.rss
console.log(`\nRSS growth from the ${BASELINE_AT}th to the ${finished}th generation: ${mb(growth)} (target < 20 MB: ${growth < 20 * 1024 * 1024 ? 'met' : 'NOT met'}); heap used ${mb(end.heapUsed - baseline!.heapUsed)}; ${failed} not completed; status entries held: ${app.statusStore.size}`)

await app.close()
await database.close()
await fake.close()
if (pgliteDir) fs.rmSync(pgliteDir, { recursive: true, force: true })
