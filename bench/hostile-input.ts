import { authHeader, startBenchServer } from './support.js'

/**
 * The requests that froze the service or let one user spend without bound (issue 18), against a
 * real server: how long each took, and the slowest /health answer while it ran.
 */
const server = await startBenchServer({ GENERATIONS_RUNNING_PER_USER: '2', SHUTDOWN_GRACE_MS: '0' })

async function post (path: string, user: string, body: unknown) {
  const res = await fetch(`${server.url}${path}`, { method: 'POST', headers: { ...authHeader(user), 'content-type': 'application/json' }, body: JSON.stringify(body) })
  return { status: res.status, body: await res.json() as { data: Record<string, unknown> } }
}

async function measure<T> (work: () => Promise<T>) {
  const done = new AbortController()
  let slowestHealthMs = 0
  const watching = (async () => {
    while (!done.signal.aborted) {
      const startedAt = performance.now()
      await (await fetch(`${server.url}/health`)).arrayBuffer()
      slowestHealthMs = Math.max(slowestHealthMs, performance.now() - startedAt)
    }
  })()
  const startedAt = performance.now()
  const result = await work()
  const ms = performance.now() - startedAt
  done.abort()
  await watching
  return { result, ms, slowestHealthMs }
}

const rows: string[] = []
const row = (name: string, answer: string, ms: number, healthMs: number) =>
  rows.push(`| ${name} | ${answer} | ${Math.round(ms)} ms | ${Math.round(healthMs)} ms |`)

// Warm-up, so the first payload does not pay for compiling the routes.
await post('/api/topics/generate', 'bench-warm', { topic: '준비', plan: '# 준비\n\n## 하나\n' })

const plans: Array<[string, string]> = [
  ['/generate, plan "- " × 8 000 + "x"', '- '.repeat(8000) + 'x'],
  ['/generate, plan ">" × 49 998 + " x"', '>'.repeat(49_998) + ' x'],
  ['/generate, plan "*a" × 25 000', '*a'.repeat(25_000)]
]
for (const [index, [name, plan]] of plans.entries()) {
  const { result, ms, slowestHealthMs } = await measure(() => post('/api/topics/generate', `bench-plan-${index}`, { topic: '악성 계획', plan }))
  row(name, String(result.status), ms, slowestHealthMs)
}

const template = await post('/api/templates', 'bench-guide', { name: '공백', prompt_system: '1.' + ' '.repeat(19_990) + 'x' })
const guided = await measure(() => post('/api/topics/plan', 'bench-guide', { topic: '공백', template_id: template.body.data.id }))
row('/plan, own template "1." + 19 990 spaces + "x"', `${guided.result.status} (${String(guided.result.body.data.source)})`, guided.ms, guided.slowestHealthMs)

const burst = await measure(() => Promise.all(Array.from({ length: 200 }, () => post('/api/topics/generate', 'bench-burst', { topic: '폭주', plan: '# 폭주\n\n## 하나\n' }))))
const accepted = burst.result.filter((answer) => answer.status === 202).length
row('200 simultaneous /generate from one user', `${accepted} × 202, ${200 - accepted} × 429`, burst.ms, burst.slowestHealthMs)

console.log(`database: ${server.driver}\n`)
console.log('| request | answer | took | slowest /health meanwhile |')
console.log('|---|---|---|---|')
console.log(rows.join('\n'))
await server.close()
