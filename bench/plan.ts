import { FakeAnthropic } from '../test/support/fake-anthropic.js'
import { authHeader, ms, startBenchServer, summarize, timed } from './support.js'

/**
 * /plan latency over real HTTP: the server alone (template planner), and with the fake Claude
 * answering at once and after 1 s, so the server's own overhead can be read off the difference.
 */
const REQUESTS = Number(process.env.BENCH_PLAN_REQUESTS ?? 100)

async function measure (label: string, env: Record<string, string>, requests: number) {
  const server = await startBenchServer(env)
  const headers = { ...authHeader('bench-plan'), 'content-type': 'application/json' }
  const samples: number[] = []
  let sources = new Set<string>()
  for (let i = 0; i < requests; i++) {
    const [res, elapsed] = await timed(() => fetch(`${server.url}/api/topics/plan`, {
      method: 'POST', headers, body: JSON.stringify({ topic: `2026 디지털뱅킹 트렌드 분석 ${i}` })
    }).then(async (r) => ({ status: r.status, body: await r.json() as { data: { source: string } } })))
    if (res.status !== 200) throw new Error(`plan answered ${res.status}`)
    sources = sources.add(res.body.data.source)
    if (i >= 5) samples.push(elapsed)
  }
  await server.close()
  const stats = summarize(samples)
  console.log(`| ${label} | ${server.driver} | ${[...sources].join(',')} | ${stats.n} | ${ms(stats.p50)} | ${ms(stats.p99)} | ${ms(stats.max)} |`)
}

const fake = await new FakeAnthropic().start()
console.log('| /plan | database | source | n | p50 | p99 | max |\n|---|---|---|---|---|---|---|')
await measure('template planner (no Claude)', {}, REQUESTS)
await measure('fake Claude, immediate', { ANTHROPIC_API_KEY: 'bench', ANTHROPIC_BASE_URL: fake.url }, REQUESTS)
fake.defaultPlan = { kind: 'outline', delayMs: 1000 }
await measure('fake Claude, 1 s', { ANTHROPIC_API_KEY: 'bench', ANTHROPIC_BASE_URL: fake.url }, Math.min(REQUESTS, 20))
fake.defaultPlan = { kind: 'hang' }
await measure('fake Claude, never answers', { ANTHROPIC_API_KEY: 'bench', ANTHROPIC_BASE_URL: fake.url }, Math.min(REQUESTS, 10))
await fake.close()
