// test-database: postgres
import t from 'tap'
import { eq } from 'drizzle-orm'
import { generationEvents, topics } from '../../src/db/schema.js'
import { INTERRUPTED_MESSAGE } from '../../src/generation/lifecycle.js'
import { bearer, buildTestApp } from '../support/app.js'
import { createTestDatabase } from '../support/database.js'
import { anthropicEnv, startFakeAnthropic } from '../support/fake-anthropic.js'
import { planTopic, startGeneration, waitForTerminal, waitUntil } from '../support/generation.js'

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
  t.same(status.json().data, final, 'the same answer, from the event log')
})

t.test('after a restart /status answers from the database, and a topic generating without a job is marked failed', async (t) => {
  const database = await createTestDatabase()
  t.teardown(() => database.close())
  const first = await buildTestApp(t, { database, env: { OFFLINE_PIECE_DELAY_MS: '1' } })
  const finished = (await startGeneration(first, 'restart-user', {})).json().data.topic_id
  await waitForTerminal(first, finished)
  const { topic_id: orphan } = await planTopic(first, 'restart-user')
  await first.db.update(topics).set({ status: 'generating', generationStartedAt: new Date() }).where(eq(topics.id, orphan))
  await first.close()

  const second = await buildTestApp(t, { database })
  const done = await second.inject({ method: 'GET', url: `/api/topics/${finished}/status`, headers: bearer('restart-user') })
  t.match(done.json().data, { status: 'completed', progress_percent: 100, artifact_id: Number })
  const interrupted = await second.inject({ method: 'GET', url: `/api/topics/${orphan}/status`, headers: bearer('restart-user') })
  t.match(interrupted.json().data, { status: 'failed', error_message: INTERRUPTED_MESSAGE, completed_at: /Z$/ })
  t.equal((await startGeneration(second, 'restart-user', { topic_id: orphan })).statusCode, 202, 'it can be generated again')
})

t.test('shutdown lets running generations finish within the grace period', async (t) => {
  const database = await createTestDatabase()
  t.teardown(() => database.close())
  const fake = await startFakeAnthropic(t)
  fake.defaultReport = { kind: 'report', chunkDelayMs: 10 }
  const app = await buildTestApp(t, { database, env: { ...anthropicEnv(fake), SHUTDOWN_GRACE_MS: '20000' } })
  const { topic_id: topicId } = await planTopic(app, 'grace-user')
  await startGeneration(app, 'grace-user', { topic_id: topicId })
  await waitUntil(() => fake.reportRequests().length === 1)
  await app.close()
  const [row] = await database.db.select().from(topics).where(eq(topics.id, topicId))
  t.equal(row!.status, 'completed', 'finished during the grace period')
})

t.test('a report still running after the grace goes back to the queue and the next start writes it', async (t) => {
  const database = await createTestDatabase()
  t.teardown(() => database.close())
  const fake = await startFakeAnthropic(t)
  fake.reportBehaviors = [{ kind: 'hang' }]
  const env = { ...anthropicEnv(fake), SHUTDOWN_GRACE_MS: '200' }
  const first = await buildTestApp(t, { database, env })
  const { topic_id: topicId } = await planTopic(first, 'handback-user')
  await startGeneration(first, 'handback-user', { topic_id: topicId })
  await waitUntil(() => fake.reportRequests().length === 1)
  const closing = performance.now()
  await first.close()
  t.ok(performance.now() - closing < 5000, 'close() did not hang')
  const [row] = await database.db.select().from(topics).where(eq(topics.id, topicId))
  t.match(row, { status: 'generating', generationAttempt: 0 }, 'not failed: handed back')
  t.match(first.statusStore.get(topicId), { status: 'generating', current_step: /곧 처음부터 다시 작성합니다 \(다음 시도 2\/3\)/ })

  const second = await buildTestApp(t, { database, env })
  const final = await waitForTerminal(second, topicId)
  t.match(final, { status: 'completed', progress_percent: 100, artifact_id: Number })
  t.equal(fake.reportRequests().length, 2, 'written again from the start')
  const steps = (await database.db.select().from(generationEvents).where(eq(generationEvents.topicId, topicId)))
    .map((row) => (row.event as { current_step: string }).current_step)
  t.ok(steps.some((step) => /^재시도 중 \(2\/3\)/.test(step)), 'the status said it was retrying, and which attempt')
})

t.test('no new generations are accepted once shutdown has begun', async (t) => {
  const app = await buildTestApp(t)
  const { topic_id: topicId } = await planTopic(app, 'late-user')
  await app.generator.shutdown()
  const res = await startGeneration(app, 'late-user', { topic_id: topicId })
  t.equal(res.statusCode, 503)
  t.equal(res.json().error.code, 'SERVICE_UNAVAILABLE')
})
