import autocannon from 'autocannon'
import Fastify from 'fastify'
import { buildApp } from '../app.js'
import { loadConfig } from '../src/config.js'
import { openDatabase } from '../src/db/client.js'
import { FakeAnthropic } from '../test/support/fake-anthropic.js'
import { authHeader, BENCH_SECRET, ms, startBenchServer, summarize } from './support.js'

/**
 * Durable jobs (issue 12): /generate under 50 concurrent starts, /status with and without reports
 * running and against a bare Fastify route side by side, and — on Postgres — how long a status
 * change written by one replica takes to reach another's hot copy.
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5)
const BURSTS = Number(process.env.BENCH_BURSTS ?? 10)
const PLAN = '# 벤치마크\n\n## 요약\n\n요약\n\n## 분석\n\n분석\n\n## 결론\n\n결론\n'

const fake = await new FakeAnthropic().start()
fake.defaultReport = { kind: 'report', chunkDelayMs: 0 }
const server = await startBenchServer({ ANTHROPIC_API_KEY: 'bench', ANTHROPIC_BASE_URL: fake.url, LOG_LEVEL: 'silent' })
const row = (name: string, result: autocannon.Result) =>
  `| ${name} | ${result.requests.total} | ${Math.round(result.requests.average)} | ${ms(result.latency.p50)} | ${ms(result.latency.p99)} | ${result.errors + result.non2xx} |`

console.log(`database: ${server.driver}\n`)
console.log('| measurement | requests | req/s | p50 | p99 | errors/non-2xx |\n|---|---|---|---|---|---|')

// Fifty users, one request after another each: one user's starts are admitted one at a time (the
// running-generations cap), so a single user would measure that queue instead of the 202 path.
const users = Array.from({ length: 50 }, (_, i) => authHeader(`bench-jobs-${i}`))
let nextUser = 0
const generate = await autocannon({
  url: `${server.url}/api/topics/generate`,
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ topic: '벤치마크 주제', plan: PLAN }),
  requests: [{ setupRequest: (request) => ({ ...request, headers: { ...request.headers, ...users[nextUser++ % users.length] } }) }],
  connections: 50,
  duration: SECONDS
})
console.log(row(`POST /generate → 202, 50 users on 50 connections, ${SECONDS} s (fake Claude at 0 ms)`, generate))

// The target's case: fifty people press "generate" at the same moment, while the workers write the
// reports already queued at full speed. Each burst waits for the previous one's answers.
const burstLatencies: number[] = []
let burstErrors = 0
for (let burst = 0; burst < BURSTS; burst++) {
  await Promise.all(Array.from({ length: 50 }, async (_, i) => {
    const startedAt = performance.now()
    const res = await fetch(`${server.url}/api/topics/generate`, {
      method: 'POST', headers: { ...authHeader(`bench-burst-${burst}-${i}`), 'content-type': 'application/json' }, body: JSON.stringify({ topic: '벤치마크 주제', plan: PLAN })
    }).catch(() => undefined)
    await res?.arrayBuffer()
    if (res?.status === 202) burstLatencies.push(performance.now() - startedAt)
    else burstErrors++
  }))
}
const bursts = summarize(burstLatencies)
console.log(`| POST /generate → 202, ${BURSTS} bursts of 50 simultaneous starts (50 users each), workers busy | ${bursts.n} | | ${ms(bursts.p50)} | ${ms(bursts.p99)} | ${burstErrors} |`)

// Let the queue drain before the /status runs.
while (server.app.generator.runningCount > 0) await new Promise((resolve) => setTimeout(resolve, 200))
await new Promise((resolve) => setTimeout(resolve, 2000))

const start = async (user: string) => {
  const res = await fetch(`${server.url}/api/topics/generate`, {
    method: 'POST', headers: { ...authHeader(user), 'content-type': 'application/json' }, body: JSON.stringify({ topic: '벤치마크', plan: PLAN })
  })
  return ((await res.json()) as { data: { topic_id: number } }).data.topic_id
}
const finished = await start('bench-status')
while (server.app.statusStore.get(finished)?.status !== 'completed') await new Promise((resolve) => setTimeout(resolve, 50))
const poll = (title: string) => autocannon({ url: `${server.url}/api/topics/${finished}/status`, headers: authHeader('bench-status'), connections: 50, duration: SECONDS }).then((result) => row(title, result))

const bare = Fastify()
const body = { success: true, data: { topic_id: 1, status: 'completed', progress_percent: 100, current_step: '저장 중', started_at: new Date().toISOString(), estimated_completion: null, artifact_id: 2, completed_at: new Date().toISOString(), error_message: null } }
bare.get('/bare', async () => body)
const bareUrl = await bare.listen({ port: 0, host: '127.0.0.1' })

console.log(await poll('GET /status of a finished report, 50 connections, idle service'))
console.log(row('bare Fastify route, ~250 bytes of JSON, 50 connections', await autocannon({ url: `${bareUrl}/bare`, connections: 50, duration: SECONDS })))

fake.defaultReport = { kind: 'report', chunkDelayMs: 500 }
for (let i = 0; i < 20; i++) await start(`bench-running-${i}`)
console.log(await poll('GET /status of a finished report, 50 connections, 20 reports queued or running'))
await bare.close()

if (server.driver === 'postgres') {
  // A second replica on the same Postgres. Each event reaches the writer's hot copy at once and the
  // other's through NOTIFY: the gap between the two is the cross-replica delay.
  const database = await openDatabase({ url: process.env.BENCH_DATABASE_URL })
  const replica = await buildApp({ config: loadConfig({ JWT_SECRET: BENCH_SECRET, LOG_LEVEL: 'silent', GENERATION_CONCURRENCY: '1' }), database })
  await replica.ready()
  const delays: number[] = []
  fake.defaultReport = { kind: 'report', chunkDelayMs: 100 }
  const arrivals = async (app: typeof replica, topicId: number) => {
    const times = new Map<number, number>()
    for await (const event of app.statusStore.subscribe(topicId)) times.set(event.id, performance.now())
    return times
  }
  for (let i = 0; i < 20; i++) {
    const topicId = await start(`bench-fanout-${i}`)
    const [onA, onB] = await Promise.all([arrivals(server.app, topicId), arrivals(replica, topicId)])
    for (const [id, at] of onA) {
      const other = onB.get(id)
      if (other !== undefined) delays.push(Math.abs(other - at))
    }
  }
  const delay = summarize(delays)
  console.log(`\nstatus change, writing replica → the other replica's stream source (NOTIFY): ${delay.n} events, p50 ${ms(delay.p50)}, p99 ${ms(delay.p99)}, max ${ms(delay.max)}`)
  await replica.close()
  await database.close()
}

await server.close()
await fake.close()
