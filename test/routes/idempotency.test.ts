// test-database: postgres
import t from 'tap'
import { eq } from 'drizzle-orm'
import { topics } from '../../src/db/schema.js'
import { bearer, buildTestApp } from '../support/app.js'
import { openTestDatabase } from '../support/database.js'
import { SAMPLE_PLAN, waitForTerminal } from '../support/generation.js'

t.test('Idempotency-Key: the same request again gets the same 202 and starts nothing; another body is a 422', async (t) => {
  const app = await buildTestApp(t, { env: { OFFLINE_PIECE_DELAY_MS: '1' } })
  const send = (key: string, topic = '2026 디지털뱅킹 트렌드 분석') => app.inject({
    method: 'POST',
    url: '/api/topics/generate',
    headers: { ...bearer('idem-user'), 'idempotency-key': key },
    payload: { topic, plan: SAMPLE_PLAN }
  })
  const [first, second] = await Promise.all([send('key-1'), send('key-1')])
  t.equal(first!.statusCode, 202)
  t.equal(second!.statusCode, 202)
  t.same(second!.json(), first!.json(), 'the same answer')
  const topicId = first!.json().data.topic_id
  await waitForTerminal(app, topicId)
  const third = await send('key-1')
  t.same(third.json(), first!.json(), 'still the same answer after the report finished')
  const mine = await app.db.select().from(topics).where(eq(topics.userId, 'idem-user'))
  t.equal(mine.length, 1, 'one topic, one job')

  const other = await send('key-1', '다른 주제')
  t.equal(other.statusCode, 422)
  t.equal(other.json().error.code, 'IDEMPOTENCY_KEY_REUSED')
  const bad = await app.inject({ method: 'POST', url: '/api/topics/generate', headers: { ...bearer('idem-user'), 'idempotency-key': 'has space' }, payload: { topic: 'x', plan: SAMPLE_PLAN } })
  t.equal(bad.statusCode, 400)
})

t.test('Idempotency-Key: a repeat while its report is still running replays the 202, even at the per-user cap', async (t) => {
  const app = await buildTestApp(t, { env: { OFFLINE_PIECE_DELAY_MS: '500', GENERATIONS_RUNNING_PER_USER: '1' } })
  const send = (key: string) => app.inject({
    method: 'POST',
    url: '/api/topics/generate',
    headers: { ...bearer('idem-cap-user'), 'idempotency-key': key },
    payload: { topic: '2026 디지털뱅킹 트렌드 분석', plan: SAMPLE_PLAN }
  })
  const first = await send('cap-key')
  t.equal(first.statusCode, 202)
  const topicId = first.json().data.topic_id
  t.teardown(() => app.inject({ method: 'POST', url: `/api/topics/${topicId}/cancel`, headers: bearer('idem-cap-user') }))
  t.equal(app.statusStore.get(topicId)?.status, 'generating', 'the first report is still being written')

  const again = await send('cap-key')
  t.equal(again.statusCode, 202, 'the retry of a request whose answer was lost is not refused')
  t.same(again.json(), first.json(), 'it gets the first answer')
  const fresh = await send('another-key')
  t.equal(fresh.statusCode, 429, 'a new start is still held to the cap')
  t.equal(fresh.json().error.code, 'RATE_LIMITED')
})

t.test('Idempotency-Key: the same start of an existing topic on two replicas at once gets one 202, twice', async (t) => {
  // Two app instances on one database are two replicas: each serialises its own user's starts, so
  // only across replicas do the two requests meet at the topic's row lock.
  const database = await openTestDatabase(t)
  const env = { OFFLINE_PIECE_DELAY_MS: '200' }
  const [a, b] = [await buildTestApp(t, { database, env }), await buildTestApp(t, { database, env })]
  const user = 'idem-replicas'
  for (let round = 1; round <= 8; round++) {
    const planned = await a.inject({ method: 'POST', url: '/api/topics/plan', headers: bearer(user), payload: { topic: `복제본 경합 ${round}` } })
    const topicId = planned.json().data.topic_id
    const send = (app: typeof a) => app.inject({
      method: 'POST',
      url: '/api/topics/generate',
      headers: { ...bearer(user), 'idempotency-key': `replica-key-${round}` },
      payload: { topic: `복제본 경합 ${round}`, plan: SAMPLE_PLAN, topic_id: topicId }
    })
    const [first, second] = await Promise.all([send(a), send(b)])
    t.same([first.statusCode, second.statusCode], [202, 202], `round ${round}: both answered 202 (${first.body} / ${second.body})`)
    t.same(second.json(), first.json(), `round ${round}: the same answer`)
    await a.inject({ method: 'POST', url: `/api/topics/${topicId}/cancel`, headers: bearer(user) })
  }
})
