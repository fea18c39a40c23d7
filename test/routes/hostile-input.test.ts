// test-database: postgres
import t from 'tap'
import { bearer, buildTestApp, listenOnLoopback } from '../support/app.js'
import { waitForTerminal } from '../support/generation.js'

/**
 * The payloads that froze the whole service (issue 18): each must be answered correctly while
 * /health keeps answering. The margins are generous — before the fix these stalled the event
 * loop for 20 to 100 seconds.
 */
const HEALTH_MARGIN_MS = 1500

async function whileWatchingHealth<T> (base: string, work: () => Promise<T>): Promise<{ result: T, slowestHealthMs: number }> {
  const done = new AbortController()
  let slowestHealthMs = 0
  const watching = (async () => {
    while (!done.signal.aborted) {
      const startedAt = performance.now()
      const res = await fetch(`${base}/health`)
      await res.arrayBuffer()
      slowestHealthMs = Math.max(slowestHealthMs, performance.now() - startedAt)
    }
  })()
  try {
    return { result: await work(), slowestHealthMs }
  } finally {
    done.abort()
    await watching
  }
}

async function post (base: string, path: string, user: string, body: unknown) {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { ...bearer(user), 'content-type': 'application/json' },
    body: JSON.stringify(body)
  })
  return { status: res.status, body: await res.json() as { data: Record<string, unknown> } }
}

const FREEZING_PLANS: Array<[string, string]> = [
  ['"- " × 8 000 + "x" (a list nested 8 000 deep)', '- '.repeat(8000) + 'x'],
  ['">" × 49 998 + " x" (a block quote nested 49 998 deep)', '>'.repeat(49_998) + ' x'],
  ['"*a" × 25 000 (unclosed emphasis)', '*a'.repeat(25_000)]
]

t.test('plans that froze /generate are read in linear time while /health answers', async (t) => {
  const app = await buildTestApp(t, { env: { OFFLINE_PIECE_DELAY_MS: '0' } })
  const { url } = await listenOnLoopback(app)
  for (const [name, plan] of FREEZING_PLANS) {
    const user = `freeze-${FREEZING_PLANS.findIndex(([n]) => n === name)}`
    const { result, slowestHealthMs } = await whileWatchingHealth(url, () =>
      post(url, '/api/topics/generate', user, { topic: '악성 계획', plan }))
    t.equal(result.status, 202, `${name}: accepted`)
    t.ok(slowestHealthMs < HEALTH_MARGIN_MS, `${name}: /health answered within ${HEALTH_MARGIN_MS} ms meanwhile (slowest ${Math.round(slowestHealthMs)} ms)`)
    const topicId = result.body.data.topic_id as number
    const detail = await app.inject({ method: 'GET', url: `/api/topics/${topicId}`, headers: bearer(user) })
    t.same(detail.json().data.sections, [], `${name}: a plan without ## lines has no sections`)
    await waitForTerminal(app, topicId)
  }
})

t.test('a template guide of "1." and 19 990 spaces plans at once with the generic outline', async (t) => {
  const app = await buildTestApp(t)
  const { url } = await listenOnLoopback(app)
  const created = await post(url, '/api/templates', 'freeze-guide', { name: '공백 템플릿', prompt_system: '1.' + ' '.repeat(19_990) + 'x' })
  t.equal(created.status, 201)
  const startedAt = performance.now()
  const { result, slowestHealthMs } = await whileWatchingHealth(url, () =>
    post(url, '/api/topics/plan', 'freeze-guide', { topic: '공백 주제', template_id: created.body.data.id }))
  t.equal(result.status, 200)
  t.equal(result.body.data.source, 'template')
  t.same((result.body.data.sections as Array<{ title: string }>).map((s) => s.title), ['요약', '배경 및 목적', '현황 분석', '핵심 이슈와 과제', '전망과 기회', '결론 및 제언'],
    'no numbered section in the guide: the standard structure')
  // The reader this guards against took 20–100 s; the test app's plan budget is relaxed to 10 s.
  const elapsedMs = performance.now() - startedAt
  t.ok(elapsedMs < 5000, `at once (${Math.round(elapsedMs)} ms), not after a frozen reader`)
  t.ok(slowestHealthMs < HEALTH_MARGIN_MS, `/health answered meanwhile (slowest ${Math.round(slowestHealthMs)} ms)`)
})
