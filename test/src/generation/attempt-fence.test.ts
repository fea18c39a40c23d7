// test-database: postgres
import { eq } from 'drizzle-orm'
import t from 'tap'
import { artifacts, topics } from '../../../src/db/schema.js'
import { bearer, buildTestApp } from '../../support/app.js'
import { anthropicEnv, startFakeAnthropic } from '../../support/fake-anthropic.js'
import { planTopic, startGeneration, waitUntil } from '../../support/generation.js'

t.test('an attempt whose job was taken up again writes nothing over the newer attempt', async (t) => {
  const fake = await startFakeAnthropic(t)
  fake.reportBehaviors.push({ kind: 'report', chunkDelayMs: 100 })
  const app = await buildTestApp(t, { env: anthropicEnv(fake) })
  const user = 'fence-user'
  const { topic_id: topicId } = await planTopic(app, user)
  t.equal((await startGeneration(app, user, { topic_id: topicId })).statusCode, 202)
  await waitUntil(() => fake.reportRequests().length === 1)
  t.teardown(() => app.inject({ method: 'POST', url: `/api/topics/${topicId}/cancel`, headers: bearer(user) }))

  // pg-boss gave the job to attempt 2 elsewhere (this process lost the database past its heartbeat).
  await app.db.update(topics).set({ generationAttempt: 2 }).where(eq(topics.id, topicId))
  const [row] = await app.db.select().from(topics).where(eq(topics.id, topicId))
  const staleRun = { topicId, jobId: row!.generationJobId!, attempt: 1 }

  await t.rejects(app.generator.lifecycle.handBack(staleRun, 1), { name: 'RunSupersededError' }, 'the old attempt cannot hand the run back')
  await waitUntil(() => app.generator.runningCount === 0, 30_000)
  const [after] = await app.db.select().from(topics).where(eq(topics.id, topicId))
  t.match(after, { status: 'generating', generationAttempt: 2 }, 'the live attempt still owns the run')
  t.equal((await app.db.select().from(artifacts).where(eq(artifacts.topicId, topicId))).length, 0, 'the old attempt saved nothing')
  t.notMatch(app.statusStore.get(topicId)?.current_step ?? '', /다시 작성합니다/, 'and did not say it was going back to the queue')
})
