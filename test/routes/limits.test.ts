// test-database: postgres
import t from 'tap'
import { buildApp } from '../../app.js'
import { bearer, buildTestApp, listenOnLoopback, sharedTestDatabase, testConfig } from '../support/app.js'
import { planTopic, startGeneration, waitForTerminal } from '../support/generation.js'
import { openSse, payload } from '../support/sse.js'

/** Generations that stay running for the length of a test, and stop at once when the app closes. */
const SLOW_OFFLINE = { OFFLINE_PIECE_DELAY_MS: '60000', SHUTDOWN_GRACE_MS: '0' }

t.test('a user may have GENERATIONS_RUNNING_PER_USER generations running; a burst beyond gets 429 with Retry-After', async (t) => {
  const app = await buildTestApp(t, { env: { ...SLOW_OFFLINE, GENERATIONS_RUNNING_PER_USER: '2' } })
  const answers = await Promise.all(Array.from({ length: 6 }, () => startGeneration(app, 'cap-burst', {})))
  t.same(answers.map((a) => a.statusCode).sort(), [202, 202, 429, 429, 429, 429], 'two of six simultaneous starts are accepted')
  const refused = answers.find((a) => a.statusCode === 429)!
  t.match(refused.json(), { success: false, error: { code: 'RATE_LIMITED', message: /동시에 생성할 수 있는 보고서는 2건/ } })
  t.equal(refused.headers['retry-after'], '30')

  t.equal((await startGeneration(app, 'cap-other', {})).statusCode, 202, 'another user is not held back')
})

t.test('the running count comes from the database, so a second replica refuses too, and a finished run frees its place', async (t) => {
  const database = await sharedTestDatabase()
  const env = { ...SLOW_OFFLINE, GENERATIONS_RUNNING_PER_USER: '1' }
  const first = await buildTestApp(t, { env })
  const second = await buildApp({ config: testConfig(env), database })
  t.teardown(() => second.close())

  const started = await startGeneration(first, 'cap-replicas', {})
  t.equal(started.statusCode, 202)
  const elsewhere = await startGeneration(second, 'cap-replicas', {})
  t.equal(elsewhere.statusCode, 429, 'the other replica counts the run the first one started')

  // The first replica goes away: its run goes back to the queue (the second one takes it up), so
  // it still counts; once it is over (here: cancelled), a new one starts.
  await first.close()
  t.equal((await startGeneration(second, 'cap-replicas', {})).statusCode, 429, 'a handed-back run still counts')
  const topicId = started.json().data.topic_id
  const cancelled = await second.inject({ method: 'POST', url: `/api/topics/${topicId}/cancel`, headers: bearer('cap-replicas') })
  t.equal(cancelled.json().data.status, 'cancelled')
  t.equal((await startGeneration(second, 'cap-replicas', {})).statusCode, 202, 'with the run over, a new one starts')
})

t.test('GENERATE_RATE_LIMIT_MAX starts per user per window', async (t) => {
  const app = await buildTestApp(t, { env: { OFFLINE_PIECE_DELAY_MS: '0', GENERATE_RATE_LIMIT_MAX: '2', GENERATIONS_RUNNING_PER_USER: '100' } })
  const codes: number[] = []
  for (let i = 0; i < 3; i++) {
    const res = await startGeneration(app, 'rate-user', {})
    codes.push(res.statusCode)
    if (res.statusCode === 202) await waitForTerminal(app, res.json().data.topic_id)
    else {
      t.match(res.json(), { success: false, error: { code: 'RATE_LIMITED', message: /요청이 너무 많습니다/ } })
      t.ok(Number(res.headers['retry-after']) > 0, 'Retry-After says when')
    }
  }
  t.same(codes, [202, 202, 429])
  t.equal((await startGeneration(app, 'rate-other', {})).statusCode, 202, 'counted per user')
})

t.test('open status streams are capped per topic and per user, and a closed stream frees its slot', async (t) => {
  const app = await buildTestApp(t, { env: { STREAMS_PER_USER: '3', STREAMS_PER_TOPIC: '2', SSE_IDLE_TIMEOUT_MS: '30000' } })
  const { url } = await listenOnLoopback(app)
  const topics = await Promise.all(['가', '나', '다'].map(async (name) => {
    const { topic_id: id } = await planTopic(app, 'stream-cap', `스트림 ${name}`)
    app.statusStore.begin(id, '시작')
    return id
  }))
  const open = async (topicId: number, user = 'stream-cap') => {
    const stream = await openSse(`${url}/api/topics/${topicId}/status/stream`, bearer(user))
    t.teardown(() => stream.close())
    return stream
  }

  const a1 = await open(topics[0]!)
  const a2 = await open(topics[0]!)
  for (const stream of [a1, a2]) t.match(payload(await stream.nextMessage()), { event: 'status_update' })
  const a3 = await open(topics[0]!)
  t.equal(a3.status, 429, 'a third stream of one topic is refused')
  t.match(JSON.parse(a3.body), { success: false, error: { code: 'RATE_LIMITED', message: /보고서당 최대 2개/ } })
  t.equal(a3.headers['retry-after'], '10')

  t.equal((await open(topics[1]!)).status, 200, 'another topic of the same user opens')
  const c = await open(topics[2]!)
  t.equal(c.status, 429, 'the user\'s fourth stream is refused')
  t.match(JSON.parse(c.body), { error: { message: /한 사람당 최대 3개/ } })

  a1.close()
  const deadline = Date.now() + 5000
  let reopened = await open(topics[2]!)
  while (reopened.status === 429 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50))
    reopened = await open(topics[2]!)
  }
  t.equal(reopened.status, 200, 'closing a stream gives its slot back')
  t.equal(app.statusStore.subscriberCount(), 3, 'only the admitted streams still open are subscribed')
})
