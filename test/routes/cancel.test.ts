// test-database: postgres
import t from 'tap'
import { eq } from 'drizzle-orm'
import { artifacts } from '../../src/db/schema.js'
import { CANCELLED_STEP } from '../../src/generation/lifecycle.js'
import { bearer, buildTestApp, listenOnLoopback } from '../support/app.js'
import { anthropicEnv, startFakeAnthropic } from '../support/fake-anthropic.js'
import { planTopic, startGeneration, waitForTerminal, waitUntil } from '../support/generation.js'
import { openSse, payload } from '../support/sse.js'

t.test('cancel: the Claude stream is cut short at once, nothing is saved, the stream ends cancelled, and it can start again', async (t) => {
  const fake = await startFakeAnthropic(t)
  // About ten pieces a second apart: the report is far from its end when it is cancelled.
  fake.reportBehaviors = [{ kind: 'report', chunkDelayMs: 1000 }]
  const app = await buildTestApp(t, { env: anthropicEnv(fake) })
  const { url } = await listenOnLoopback(app)
  const { topic_id: topicId } = await planTopic(app, 'cancel-user')
  await startGeneration(app, 'cancel-user', { topic_id: topicId })
  await waitUntil(() => app.statusStore.get(topicId)?.progress_percent === 5)
  const stream = await openSse(`${url}/api/topics/${topicId}/status/stream`, bearer('cancel-user'))

  const other = await app.inject({ method: 'POST', url: `/api/topics/${topicId}/cancel`, headers: bearer('someone-else') })
  t.equal(other.statusCode, 404, 'only the owner may cancel')

  const res = await app.inject({ method: 'POST', url: `/api/topics/${topicId}/cancel`, headers: bearer('cancel-user') })
  const cancelledAt = performance.now()
  t.equal(res.statusCode, 200)
  t.match(res.json(), { success: true, data: { topic_id: topicId, status: 'cancelled', current_step: CANCELLED_STEP, completed_at: /Z$/ } })
  await waitUntil(() => app.generator.runningCount === 0, 5000)
  const stoppedMs = performance.now() - cancelledAt
  t.ok(stoppedMs < 8000, `the writer stopped in ${Math.round(stoppedMs)} ms, long before the report's end`)
  t.equal(await fake.reportRequests()[0]!.finished, false, 'Claude\'s answer was cut short')

  const frames = (await stream.rest(5000)).filter((frame) => frame.type === 'message')
  t.match(payload(frames.at(-1) as never), { event: 'completion', status: 'cancelled' }, 'the completion event carries it')
  t.same(await app.db.select().from(artifacts).where(eq(artifacts.topicId, topicId)), [], 'nothing saved')

  const again = await app.inject({ method: 'POST', url: `/api/topics/${topicId}/cancel`, headers: bearer('cancel-user') })
  t.same(again.json(), res.json(), 'cancelling again answers the same state')
  t.equal((await startGeneration(app, 'cancel-user', { topic_id: topicId })).statusCode, 202, 'it can be generated again')
  t.equal((await waitForTerminal(app, topicId)).status, 'completed')
})

t.test('a report waiting for a worker says so and gives its place in line', async (t) => {
  const fake = await startFakeAnthropic(t)
  fake.defaultReport = { kind: 'report', chunkDelayMs: 30 }
  // The first report is held until the third's place has been read, so the line cannot move first.
  let release!: () => void
  fake.reportBehaviors = [{ kind: 'report', holdAfterChunks: 1, until: new Promise<void>((resolve) => { release = resolve }) }]
  const app = await buildTestApp(t, { env: { ...anthropicEnv(fake), GENERATION_CONCURRENCY: '1' } })
  const ids: number[] = []
  // Three users, one report each: the line is shared by everyone's reports.
  for (let i = 0; i < 3; i++) ids.push((await startGeneration(app, `queue-user-${i}`, {})).json().data.topic_id)
  const third = await app.inject({ method: 'GET', url: `/api/topics/${ids[2]}/status`, headers: bearer('queue-user-2') })
  t.match(third.json().data, { status: 'generating', progress_percent: 0, current_step: /^생성 대기 중: 앞에 [12]건이 있습니다/ })
  release()
  for (const id of ids) t.equal((await waitForTerminal(app, id, 60_000)).status, 'completed')
})

t.test('cancelling a topic that was planned but never generated is a 409 saying so in Korean, not a 404', async (t) => {
  const app = await buildTestApp(t)
  const { topic_id: topicId } = await planTopic(app, 'cancel-planned')
  const res = await app.inject({ method: 'POST', url: `/api/topics/${topicId}/cancel`, headers: bearer('cancel-planned') })
  t.equal(res.statusCode, 409)
  t.match(res.json(), { success: false, error: { code: 'CONFLICT', message: /아직 생성을 시작하지 않은/ } })
  t.notMatch(res.json().error.message, /[A-Za-z]/, 'no English')
  const missing = await app.inject({ method: 'POST', url: '/api/topics/999999/cancel', headers: bearer('cancel-planned') })
  t.equal(missing.statusCode, 404, 'a topic that does not exist is still a 404')
})
