import autocannon from 'autocannon'
import { FakeAnthropic } from '../test/support/fake-anthropic.js'
import { authHeader, ms, startBenchServer, summarize, timed } from './support.js'

/**
 * /generate must answer 202 within 1 s whatever Claude does, and /status must stay far under
 * 500 ms while many clients poll: both measured over real HTTP with generations running.
 */
const GENERATIONS = Number(process.env.BENCH_GENERATIONS ?? 50)
const STATUS_SECONDS = Number(process.env.BENCH_STATUS_SECONDS ?? 5)
const PLAN = '# 벤치마크\n\n## 요약\n\n요약\n\n## 분석\n\n분석\n\n## 결론\n\n결론\n'

const fake = await new FakeAnthropic().start()
// Slow enough that every generation is still running while /status is hammered.
fake.defaultReport = { kind: 'report', chunkDelayMs: 2000 }
const server = await startBenchServer({ ANTHROPIC_API_KEY: 'bench', ANTHROPIC_BASE_URL: fake.url, SHUTDOWN_GRACE_MS: '0' })
const headers = { ...authHeader('bench-gen'), 'content-type': 'application/json' }

const latencies: number[] = []
const topicIds: number[] = []
for (let i = 0; i < GENERATIONS; i++) {
  const [res, elapsed] = await timed(() => fetch(`${server.url}/api/topics/generate`, {
    method: 'POST', headers, body: JSON.stringify({ topic: `벤치마크 ${i}`, plan: PLAN })
  }).then(async (r) => ({ status: r.status, body: await r.json() as { data: { topic_id: number } } })))
  if (res.status !== 202) throw new Error(`generate answered ${res.status}`)
  topicIds.push(res.body.data.topic_id)
  latencies.push(elapsed)
}
const generate = summarize(latencies)

const result = await autocannon({
  url: `${server.url}/api/topics/${topicIds[0]}/status`,
  headers: authHeader('bench-gen'),
  connections: 50,
  duration: STATUS_SECONDS
})
if (result.non2xx > 0) throw new Error(`${result.non2xx} /status answers were not 2xx`)

console.log(`database: ${server.driver}; ${GENERATIONS} generations running during the /status run\n`)
console.log('| measurement | n | p50 | p99 | max |\n|---|---|---|---|---|')
console.log(`| POST /generate → 202 (sequential) | ${generate.n} | ${ms(generate.p50)} | ${ms(generate.p99)} | ${ms(generate.max)} |`)
console.log(`| GET /status, 50 connections for ${STATUS_SECONDS} s | ${result.requests.total} | ${ms(result.latency.p50)} | ${ms(result.latency.p99)} | ${ms(result.latency.max)} |`)
console.log(`\nGET /status throughput: ${Math.round(result.requests.average)} req/s on average`)

await server.close()
await fake.close()
