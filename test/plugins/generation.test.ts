// test-database: postgres
import t from 'tap'
import { eq } from 'drizzle-orm'
import { topics } from '../../src/db/schema.js'
import { INTERRUPTED_MESSAGE, SHUTDOWN_MESSAGE } from '../../src/generation/service.js'
import { bearer, buildTestApp } from '../support/app.js'
import { createTestDatabase } from '../support/database.js'
import { anthropicEnv, startFakeAnthropic } from '../support/fake-anthropic.js'
import { planTopic, startGeneration, waitForTerminal } from '../support/generation.js'

t.test('a finished status expires from memory after the TTL; /status then answers from the database', async (t) => {
  const app = await buildTestApp(t, { env: { STATUS_TTL_MS: '300', OFFLINE_PIECE_DELAY_MS: '1' } })
  const res = await startGeneration(app, 'ttl-user', {})
  const topicId = res.json().data.topic_id
  const final = await waitForTerminal(app, topicId)
  t.equal(final.status, 'completed')
  await new Promise((resolve) => setTimeout(resolve, 600))
  t.equal(app.statusStore.get(topicId), undefined, 'expired from memory')
  const status = await app.inject({ method: 'GET', url: `/api/topics/${topicId}/status`, headers: bearer('ttl-user') })
  t.equal(status.statusCode, 200)
  t.match(status.json().data, { topic_id: topicId, status: 'completed', progress_percent: 100, artifact_id: final.artifact_id, completed_at: final.completed_at })
})

t.test('after a restart /status answers from the database, and a crash-interrupted topic is marked failed', async (t) => {
  const database = await createTestDatabase()
  t.teardown(() => database.close())
  const first = await buildTestApp(t, { database, env: { OFFLINE_PIECE_DELAY_MS: '1' } })
  const finished = (await startGeneration(first, 'restart-user', {})).json().data.topic_id
  await waitForTerminal(first, finished)
  const { topic_id: crashed } = await planTopic(first, 'restart-user')
  await first.db.update(topics).set({ status: 'generating', generationStartedAt: new Date() }).where(eq(topics.id, crashed))
  await first.close()

  const second = await buildTestApp(t, { database })
  const done = await second.inject({ method: 'GET', url: `/api/topics/${finished}/status`, headers: bearer('restart-user') })
  t.match(done.json().data, { status: 'completed', progress_percent: 100, artifact_id: Number })
  const interrupted = await second.inject({ method: 'GET', url: `/api/topics/${crashed}/status`, headers: bearer('restart-user') })
  t.match(interrupted.json().data, { status: 'failed', error_message: INTERRUPTED_MESSAGE, completed_at: /Z$/ })
  t.equal((await startGeneration(second, 'restart-user', { topic_id: crashed })).statusCode, 202, 'it can be generated again')
})

t.test('shutdown lets running generations finish within the grace period', async (t) => {
  const database = await createTestDatabase()
  t.teardown(() => database.close())
  const fake = await startFakeAnthropic(t)
  fake.defaultReport = { kind: 'report', chunkDelayMs: 10 }
  const app = await buildTestApp(t, { database, env: { ...anthropicEnv(fake), SHUTDOWN_GRACE_MS: '20000' } })
  const { topic_id: topicId } = await planTopic(app, 'grace-user')
  await startGeneration(app, 'grace-user', { topic_id: topicId })
  await app.close()
  const [row] = await database.db.select().from(topics).where(eq(topics.id, topicId))
  t.equal(row!.status, 'completed', 'finished during the grace period')
})

t.test('shutdown marks generations still running after the grace period as failed', async (t) => {
  const database = await createTestDatabase()
  t.teardown(() => database.close())
  const fake = await startFakeAnthropic(t)
  fake.defaultReport = { kind: 'hang' }
  const app = await buildTestApp(t, { database, env: { ...anthropicEnv(fake), SHUTDOWN_GRACE_MS: '200' } })
  const { topic_id: topicId } = await planTopic(app, 'shutdown-user')
  await startGeneration(app, 'shutdown-user', { topic_id: topicId })
  await new Promise((resolve) => setTimeout(resolve, 100))
  const closing = performance.now()
  await app.close()
  t.ok(performance.now() - closing < 5000, 'close() did not hang')
  t.equal(app.statusStore.get(topicId)?.status, 'failed')
  const [row] = await database.db.select().from(topics).where(eq(topics.id, topicId))
  t.match(row, { status: 'failed', generationError: SHUTDOWN_MESSAGE })
})

t.test('no new generations are accepted once shutdown has begun', async (t) => {
  const app = await buildTestApp(t)
  const { topic_id: topicId } = await planTopic(app, 'late-user')
  await app.generator.shutdown()
  const res = await startGeneration(app, 'late-user', { topic_id: topicId })
  t.equal(res.statusCode, 503)
  t.equal(res.json().error.code, 'SERVICE_UNAVAILABLE')
})
