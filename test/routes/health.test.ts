// test-database: postgres
import t from 'tap'
import { buildApp } from '../../app.js'
import { buildTestApp, sharedTestDatabase, testConfig } from '../support/app.js'
import { createTestDatabase, testDriverName } from '../support/database.js'
import { planTopic, startGeneration } from '../support/generation.js'
import { captureLog } from '../support/log-capture.js'

t.test('GET /health answers without a token', async (t) => {
  const app = await buildTestApp(t)
  const res = await app.inject({ method: 'GET', url: '/health' })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { status: 'ok' })
  t.match(res.headers['x-request-id'], /^[0-9a-f-]{36}$/)
})

t.test('GET /ready reports the database driver', async (t) => {
  const app = await buildTestApp(t)
  const res = await app.inject({ method: 'GET', url: '/ready' })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { status: 'ready', database: testDriverName })
})

t.test('the server listens before its report workers start: alive at once, ready once they run', async (t) => {
  const app = await buildTestApp(t, { startWorkersAfterListen: true })
  t.equal((await app.inject({ method: 'GET', url: '/health' })).statusCode, 200, 'alive')
  const starting = await app.inject({ method: 'GET', url: '/ready' })
  t.equal(starting.statusCode, 503, 'not ready while the queue is not open')
  t.match(starting.json(), { success: false, error: { code: 'SERVICE_UNAVAILABLE', message: /시작하는 중/ } })
  t.equal(starting.headers['retry-after'], '1')
  const { topic_id: topicId } = await planTopic(app, 'early-user')
  const early = await startGeneration(app, 'early-user', { topic_id: topicId })
  t.equal(early.statusCode, 503, 'a report cannot start before the queue is open')
  t.match(early.json(), { success: false, error: { code: 'SERVICE_UNAVAILABLE', message: /시작하는 중/ } })
  t.equal(early.headers['retry-after'], '1')
  await app.generator.start()
  const ready = await app.inject({ method: 'GET', url: '/ready' })
  t.equal(ready.statusCode, 200, 'ready once the workers run')
})

t.test('a readiness probe turned away while the service starts is one log line with its reason, not a stack', async (t) => {
  const { stream, records } = captureLog()
  const app = await buildApp({ config: testConfig(), database: await sharedTestDatabase(), logger: { level: 'info', stream }, startWorkersAfterListen: true })
  t.teardown(() => app.close())
  await app.ready()
  const starting = await app.inject({ method: 'GET', url: '/ready', headers: { 'x-request-id': 'probe-while-starting' } })
  t.equal(starting.statusCode, 503)
  const logged = records.filter((line) => line.requestId === 'probe-while-starting' && line.level === 40)
  t.equal(logged.length, 1, 'one warning for the refused probe')
  t.match(logged[0], { msg: 'request failed: service unavailable', code: 'SERVICE_UNAVAILABLE', reason: /시작하는 중/ })
  t.notOk(logged[0] && 'err' in logged[0], 'no error object, so no stack')
})

t.test('GET /ready answers 503 in our envelope when the database is gone', async (t) => {
  const database = await createTestDatabase()
  const app = await buildTestApp(t, { database })
  t.teardown(() => database.close())
  await database.close()
  const res = await app.inject({ method: 'GET', url: '/ready' })
  t.equal(res.statusCode, 503)
  t.match(res.json(), { success: false, error: { code: 'SERVICE_UNAVAILABLE' }, meta: { requestId: String } })
})
