// test-database: postgres
import http from 'node:http'
import t from 'tap'
import { loadConfig } from '../../src/config.js'
import { bearer, buildTestApp, listenOnLoopback } from '../support/app.js'
import { anthropicEnv, startFakeAnthropic } from '../support/fake-anthropic.js'
import { planTopic, startGeneration, waitForTerminal } from '../support/generation.js'

type TestApp = Awaited<ReturnType<typeof buildTestApp>>

const METRICS_TOKEN = 'scraper-token-for-the-tests'
const METRICS_ON = { METRICS_TOKEN }
const SCRAPER = { authorization: `Bearer ${METRICS_TOKEN}` }

async function scrape (app: TestApp) {
  const res = await app.inject({ method: 'GET', url: '/metrics', headers: SCRAPER })
  if (res.statusCode !== 200) throw new Error(`/metrics answered ${res.statusCode}`)
  return res.body
}

/** The value of one sample, its labels matched exactly; undefined when there is no such sample. */
function sample (text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`).sort().join(',')
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (!match || match[1] !== name) continue
    const have = (match[2] ?? '').split(/,(?=[a-zA-Z_]\w*=")/).filter(Boolean).sort().join(',')
    if (have === wanted) return Number(match[3])
  }
  return undefined
}

/**
 * A sample once it reads `expected`, or what it read last after 5 s: a run's completion is published
 * a moment before its worker counts it and lets go of it.
 */
async function sampleOnce (app: TestApp, expected: number, name: string, labels: Record<string, string> = {}) {
  let value = sample(await scrape(app), name, labels)
  for (let i = 0; i < 250 && value !== expected; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20))
    value = sample(await scrape(app), name, labels)
  }
  return value
}

t.test('GET /metrics answers the METRICS_TOKEN in the Prometheus text format, and nothing else', async (t) => {
  const app = await buildTestApp(t, { env: METRICS_ON })
  for (const authorization of [undefined, 'Bearer wrong-token-of-the-same-size!', `Bearer ${METRICS_TOKEN}x`, METRICS_TOKEN]) {
    const refused = await app.inject({ method: 'GET', url: '/metrics', headers: authorization === undefined ? {} : { authorization } })
    t.equal(refused.statusCode, 401, String(authorization))
    t.match(refused.json(), { success: false, error: { code: 'UNAUTHORIZED', message: /METRICS_TOKEN/ } })
  }
  const res = await app.inject({ method: 'GET', url: '/metrics', headers: SCRAPER })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/plain; version=0\.0\.4/)
  const families: Array<[string, string]> = [
    ['http_request_duration_seconds', 'histogram'],
    ['reportflow_generations_running', 'gauge'],
    ['reportflow_generations_total', 'counter'],
    ['reportflow_generation_duration_seconds', 'histogram'],
    ['reportflow_status_streams_open', 'gauge'],
    ['reportflow_plans_total', 'counter'],
    ['process_resident_memory_bytes', 'gauge']
  ]
  for (const [name, type] of families) t.match(res.body, `# TYPE ${name} ${type}\n`, name)
  t.equal(sample(res.body, 'reportflow_plans_total', { source: 'template' }), 0, 'series exist before their first event')
  t.equal(sample(res.body, 'reportflow_generations_total', { outcome: 'failed' }), 0)
})

t.test('a plan fallback, a completed and a failed generation move their numbers', async (t) => {
  const fake = await startFakeAnthropic(t)
  const app = await buildTestApp(t, { env: { ...anthropicEnv(fake), ...METRICS_ON, REPORT_LLM_RETRY_BASE_MS: '10' } })

  fake.planBehaviors.push({ kind: 'status', status: 500 })
  const fallback = await app.inject({ method: 'POST', url: '/api/topics/plan', headers: bearer('metrics-a'), payload: { topic: '폴백 계획' } })
  t.equal(fallback.json().data.source, 'template')
  let text = await scrape(app)
  t.equal(sample(text, 'reportflow_plans_total', { source: 'template' }), 1, 'the fallback is counted')
  t.equal(sample(text, 'reportflow_plans_total', { source: 'llm' }), 0)

  const { topic_id: completedId } = await planTopic(app, 'metrics-a')
  t.equal((await startGeneration(app, 'metrics-a', { topic_id: completedId })).statusCode, 202)
  t.equal((await waitForTerminal(app, completedId)).status, 'completed')

  fake.reportBehaviors.push({ kind: 'status', status: 400, errorType: 'invalid_request_error' })
  const { topic_id: failedId } = await planTopic(app, 'metrics-b')
  await startGeneration(app, 'metrics-b', { topic_id: failedId })
  t.equal((await waitForTerminal(app, failedId)).status, 'failed')

  t.equal(await sampleOnce(app, 1, 'reportflow_generations_total', { outcome: 'failed' }), 1)
  t.equal(await sampleOnce(app, 0, 'reportflow_generations_running'), 0)
  text = await scrape(app)
  t.equal(sample(text, 'reportflow_plans_total', { source: 'llm' }), 2)
  t.equal(sample(text, 'reportflow_generations_total', { outcome: 'completed' }), 1)
  t.equal(sample(text, 'reportflow_generation_duration_seconds_count', { outcome: 'completed' }), 1)
  t.equal(sample(text, 'reportflow_generation_duration_seconds_count', { outcome: 'failed' }), 1)
  t.ok(sample(text, 'reportflow_generation_duration_seconds_sum', { outcome: 'completed' })! > 0)

  await app.inject({ method: 'GET', url: `/api/topics/${completedId}/status`, headers: bearer('metrics-a') })
  await app.inject({ method: 'GET', url: '/no-such-page' })
  text = await scrape(app)
  t.equal(sample(text, 'http_request_duration_seconds_count', { method: 'POST', route: '/api/topics/plan', status_code: '200' }), 3)
  t.equal(sample(text, 'http_request_duration_seconds_count', { method: 'POST', route: '/api/topics/generate', status_code: '202' }), 2)
  t.equal(sample(text, 'http_request_duration_seconds_count', { method: 'GET', route: '/api/topics/:id/status', status_code: '200' }), 1,
    'labelled by route pattern, not by URL')
  t.equal(sample(text, 'http_request_duration_seconds_count', { method: 'GET', route: 'unmatched', status_code: '404' }), 1)
  t.notMatch(text, /route="\/api\/topics\/\d/, 'no series per topic')
})

t.test('running generations and open status streams are read when scraped', async (t) => {
  const fake = await startFakeAnthropic(t)
  // Held until the stream has been counted and closed: a report that ended first would end it too.
  let release!: () => void
  fake.reportBehaviors = [{ kind: 'report', holdAfterChunks: 1, until: new Promise<void>((resolve) => { release = resolve }) }]
  const app = await buildTestApp(t, { env: { ...anthropicEnv(fake), ...METRICS_ON } })
  const { url } = await listenOnLoopback(app)

  const { topic_id: topicId } = await planTopic(app, 'metrics-live')
  await startGeneration(app, 'metrics-live', { topic_id: topicId })
  // The 202 only queues the report; a worker takes it up a moment later.
  t.equal(await sampleOnce(app, 1, 'reportflow_generations_running'), 1, 'a report being written is counted')

  const stream = await new Promise<http.IncomingMessage>((resolve, reject) => {
    http.get(`${url}/api/topics/${topicId}/status/stream`, { headers: bearer('metrics-live') }, resolve).on('error', reject)
  })
  await new Promise((resolve) => stream.once('data', resolve))
  t.equal(sample(await scrape(app), 'reportflow_status_streams_open'), 1)
  stream.destroy()
  t.equal(await sampleOnce(app, 0, 'reportflow_status_streams_open'), 0, 'a closed stream is no longer counted')

  release()
  await waitForTerminal(app, topicId)
  t.equal(await sampleOnce(app, 0, 'reportflow_generations_running'), 0, 'a finished report is no longer counted')
})

t.test('METRICS_ENABLED=false and DOCS_ENABLED=false turn /metrics and /docs off; the API works on', async (t) => {
  const app = await buildTestApp(t, { env: { METRICS_ENABLED: 'false', DOCS_ENABLED: 'false', OFFLINE_PIECE_DELAY_MS: '0' } })
  for (const url of ['/metrics', '/docs', '/docs/json', '/docs/static/swagger-ui-bundle.js']) {
    const res = await app.inject({ method: 'GET', url })
    t.equal(res.statusCode, 404, `${url} is gone`)
    t.match(res.json(), { success: false, error: { code: 'NOT_FOUND' } })
  }
  t.notOk(app.hasDecorator('swagger'), 'no document is built')
  const byDefault = await buildTestApp(t)
  t.equal((await byDefault.inject({ method: 'GET', url: '/metrics' })).statusCode, 404, 'without METRICS_TOKEN or METRICS_ENABLED there are no metrics')
  const open = await buildTestApp(t, { env: { METRICS_ENABLED: 'true' } })
  t.equal((await open.inject({ method: 'GET', url: '/metrics' })).statusCode, 200, 'METRICS_ENABLED=true without a token serves them openly')

  const { topic_id: topicId } = await planTopic(app, 'metrics-off')
  await startGeneration(app, 'metrics-off', { topic_id: topicId })
  t.equal((await waitForTerminal(app, topicId)).status, 'completed', 'plans and generations run without metrics')
})

t.test('metrics are off by default, on behind METRICS_TOKEN or openly with METRICS_ENABLED=true; docs are on by default', async (t) => {
  t.match(loadConfig({}), { metrics: { enabled: false, token: undefined }, docsEnabled: true })
  t.match(loadConfig({ METRICS_TOKEN }), { metrics: { enabled: true, token: METRICS_TOKEN } })
  t.match(loadConfig({ METRICS_ENABLED: 'true' }), { metrics: { enabled: true, token: undefined } })
  t.match(loadConfig({ METRICS_ENABLED: 'false', DOCS_ENABLED: 'false' }), { metrics: { enabled: false }, docsEnabled: false })
  t.throws(() => loadConfig({ METRICS_TOKEN: 'short' }), { name: 'ConfigError', message: /^METRICS_TOKEN / })
  t.throws(() => loadConfig({ METRICS_ENABLED: 'no' }), { name: 'ConfigError', message: /^METRICS_ENABLED / })
  t.throws(() => loadConfig({ DOCS_ENABLED: '0' }), { name: 'ConfigError', message: /^DOCS_ENABLED / })
})
