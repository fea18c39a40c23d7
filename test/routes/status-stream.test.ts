// test-database: postgres
import t from 'tap'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { eq } from 'drizzle-orm'
import { EventSource } from 'eventsource'
import { artifacts, topics, type GenerationStatus } from '../../src/db/schema.js'
import { createTopic } from '../../src/topics/repository.js'
import { buildApp } from '../../app.js'
import { bearer, buildTestApp, sharedTestDatabase, testConfig } from '../support/app.js'
import { openSse, payload, type SseFrame } from '../support/sse.js'

interface Test { teardown: (fn: () => unknown) => void }
type App = Awaited<ReturnType<typeof buildTestApp>>

/** A listening server with short stream limits, so idle ends and heartbeats show within a test. */
async function serve (t: Test, env: Record<string, string> = {}) {
  const app = await buildTestApp(t, { env: { SSE_HEARTBEAT_MS: '100', SSE_IDLE_TIMEOUT_MS: '500', ...env } })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  const url = (topicId: number, query = '') => `http://127.0.0.1:${port}/api/topics/${topicId}/status/stream${query}`
  return { app, url }
}

async function newTopic (app: App, userId: string, status: GenerationStatus = 'planned') {
  const row = await createTopic(app.db, { userId, topic: '2026 디지털뱅킹 트렌드 분석', templateId: null })
  if (status !== 'planned') {
    const finished = status === 'completed' || status === 'failed'
    await app.db.update(topics).set({
      status,
      generationStartedAt: new Date(),
      generationCompletedAt: finished ? new Date() : null,
      generationError: status === 'failed' ? 'Claude API 오류' : null
    }).where(eq(topics.id, row.id))
  }
  return row.id
}

async function waitFor (condition: () => boolean | Promise<boolean>, timeoutMs = 3000) {
  const deadline = Date.now() + timeoutMs
  while (!await condition() && Date.now() < deadline) await sleep(5)
  return await condition()
}

const messages = (frames: SseFrame[]) => frames.filter((frame) => frame.type === 'message')
const tokenOf = (userId: string) => bearer(userId).authorization.slice('Bearer '.length)

t.test('TC-STREAM-001: the current state at once, every update, the completion, then the end', async (t) => {
  const { app, url } = await serve(t, { SSE_RETRY_MS: '1234' })
  const topicId = await newTopic(app, 'alice', 'generating')
  app.statusStore.begin(topicId, '보고서 계획 분석 중')

  const stream = await openSse(url(topicId), bearer('alice'))
  t.equal(stream.status, 200)
  t.match(stream.headers['content-type'], /^text\/event-stream/)
  t.same(stream.headers['cache-control']?.split(',').map((part) => part.trim()).sort(), ['no-cache', 'no-transform'])
  t.equal(stream.headers['x-accel-buffering'], 'no')
  t.equal(stream.headers['connection'], 'keep-alive')
  t.equal(stream.headers['content-encoding'], undefined, 'never compressed')
  t.ok(stream.headers['x-request-id'], 'the request id is echoed on streams too')

  const first = await stream.nextMessage()
  t.match(first, { id: '1', retry: 1234, event: undefined }, 'unnamed, with an id and the retry hint')
  t.same(payload(first), {
    event: 'status_update', topic_id: topicId, status: 'generating', progress_percent: 0, current_step: '보고서 계획 분석 중', estimated_completion: null
  })

  app.statusStore.update(topicId, { progress_percent: 45, current_step: 'Generating main content...', estimated_completion: '2026-01-01T00:10:00.000Z' })
  const second = await stream.nextMessage()
  t.equal(second?.id, '2')
  t.equal(second?.retry, undefined, 'the retry hint only on the first message')
  t.same(payload(second), {
    event: 'status_update', topic_id: topicId, status: 'generating', progress_percent: 45, current_step: 'Generating main content...', estimated_completion: '2026-01-01T00:10:00.000Z'
  })

  app.statusStore.complete(topicId, 123)
  const completion = await stream.nextMessage()
  t.equal(completion?.id, '3')
  t.same(payload(completion), { event: 'completion', topic_id: topicId, status: 'completed', progress_percent: 100, artifact_id: 123, error_message: null })
  t.same(await stream.rest(), [], 'the stream ends right after the completion')
  t.equal(app.statusStore.subscriberCount(), 0)
})

t.test('a failed generation ends the stream with a failed completion', async (t) => {
  const { app, url } = await serve(t)
  const topicId = await newTopic(app, 'alice', 'generating')
  app.statusStore.begin(topicId, 'start')
  app.statusStore.update(topicId, { progress_percent: 30 })
  const stream = await openSse(url(topicId), bearer('alice'))
  t.equal(payload(await stream.nextMessage()).progress_percent, 30, 'the current state, not the history')
  app.statusStore.fail(topicId, 'Claude API 오류')
  t.same(payload(await stream.nextMessage()), {
    event: 'completion', topic_id: topicId, status: 'failed', progress_percent: 30, artifact_id: null, error_message: 'Claude API 오류'
  })
  t.same(await stream.rest(), [])
})

t.test('TC-STREAM-002: a quiet stream ends cleanly after the idle timeout and the client reconnects', async (t) => {
  const { app, url } = await serve(t)
  const topicId = await newTopic(app, 'alice', 'generating')
  app.statusStore.begin(topicId, 'start')

  const started = Date.now()
  const stream = await openSse(url(topicId), bearer('alice'))
  t.equal((await stream.nextMessage())?.id, '1')
  const rest = await stream.rest(5000)
  const elapsed = Date.now() - started
  t.ok(rest.every((frame) => frame.type === 'comment'), 'nothing but heartbeats before the end')
  t.ok(elapsed >= 450 && elapsed < 5000, `ended by the idle timeout (${elapsed} ms)`)
  t.ok(await waitFor(() => app.statusStore.subscriberCount() === 0), 'no subscriber left behind')

  const again = await openSse(url(topicId), { ...bearer('alice'), 'last-event-id': '1' })
  t.equal(again.status, 200, 'the reconnect is accepted')
  app.statusStore.update(topicId, { progress_percent: 70 })
  const next = await again.nextMessage()
  t.equal(next?.id, '2', 'nothing replayed that the client already had, and the new update arrives')
  t.equal(payload(next).progress_percent, 70)
  again.close()
})

t.test('TC-STREAM-002 with a real EventSource: it reconnects after the idle end, resumes, and stops at 204', async (t) => {
  const { app, url } = await serve(t, { SSE_RETRY_MS: '50' })
  const topicId = await newTopic(app, 'alice', 'generating')
  app.statusStore.begin(topicId, 'start')

  const source = new EventSource(url(topicId, `?access_token=${tokenOf('alice')}`))
  t.teardown(() => source.close())
  const received: Array<{ id: string, progress: unknown, event: unknown }> = []
  let opens = 0
  source.onopen = () => { opens++ }
  source.onmessage = (message) => {
    const data = JSON.parse(message.data)
    received.push({ id: message.lastEventId, progress: data.progress_percent, event: data.event })
  }

  t.ok(await waitFor(() => opens >= 2, 5000), 'reconnected after the idle timeout')
  app.statusStore.update(topicId, { progress_percent: 60 })
  t.ok(await waitFor(() => received.length >= 2))
  app.statusStore.complete(topicId, 5)
  t.ok(await waitFor(() => source.readyState === EventSource.CLOSED, 5000), 'after the completion, the reconnect gets 204 and EventSource stops')
  t.same(received, [
    { id: '1', progress: 0, event: 'status_update' },
    { id: '2', progress: 60, event: 'status_update' },
    { id: '3', progress: 100, event: 'completion' }
  ], 'each event exactly once across the reconnects')
  t.equal(app.statusStore.subscriberCount(), 0)
})

t.test('TC-STREAM-003: several clients on one topic all receive every event', async (t) => {
  const { app, url } = await serve(t)
  const topicId = await newTopic(app, 'alice', 'generating')
  app.statusStore.begin(topicId, 'start')
  const streams = await Promise.all([
    openSse(url(topicId), bearer('alice')),
    openSse(url(topicId), bearer('alice')),
    openSse(url(topicId, `?access_token=${tokenOf('alice')}`)),
    openSse(url(topicId), bearer('alice')),
    openSse(url(topicId, `?access_token=${tokenOf('alice')}`))
  ])
  for (const stream of streams) t.equal((await stream.nextMessage())?.id, '1')
  t.equal(app.statusStore.subscriberCount(topicId), 5)
  for (const progress of [20, 40, 60, 80]) app.statusStore.update(topicId, { progress_percent: progress })
  app.statusStore.complete(topicId, 9)
  for (const stream of streams) {
    const rest = messages(await stream.rest())
    t.same(rest.map((message) => message.id), ['2', '3', '4', '5', '6'])
    t.same(rest.map((message) => payload(message).progress_percent), [20, 40, 60, 80, 100])
    t.equal(payload(rest.at(-1)).event, 'completion')
  }
})

t.test('Last-Event-ID resumes with exactly the missed events', async (t) => {
  const { app, url } = await serve(t)
  const topicId = await newTopic(app, 'alice', 'generating')
  app.statusStore.begin(topicId, 'start')
  for (const progress of [10, 20, 30]) app.statusStore.update(topicId, { progress_percent: progress })

  const resumed = await openSse(url(topicId), { ...bearer('alice'), 'last-event-id': '2' })
  const replay = [await resumed.nextMessage(), await resumed.nextMessage()]
  t.same(replay.map((message) => message?.id), ['3', '4'])
  t.same(replay.map((message) => payload(message).progress_percent), [20, 30])
  t.equal(replay[0]?.retry, 3000, 'the retry hint rides on the first message of a resumed stream too')
  app.statusStore.update(topicId, { progress_percent: 40 })
  t.equal((await resumed.nextMessage())?.id, '5', 'then the live events')
  resumed.close()

  const byQuery = await openSse(url(topicId, '?last_event_id=3'), bearer('alice'))
  t.same([(await byQuery.nextMessage())?.id, (await byQuery.nextMessage())?.id], ['4', '5'], '?last_event_id= works too')
  byQuery.close()

  const both = await openSse(url(topicId, '?last_event_id=1'), { ...bearer('alice'), 'last-event-id': '4' })
  t.equal((await both.nextMessage())?.id, '5', 'the header (what EventSource sends on reconnect) wins over the original URL')
  both.close()

  const garbage = await openSse(url(topicId), { ...bearer('alice'), 'last-event-id': 'not-ours' })
  t.equal((await garbage.nextMessage())?.id, '5', 'an id that is not ours counts as none: the current state')
  garbage.close()
})

t.test('a client that has the completion gets 204; one that missed it gets it', async (t) => {
  const { app, url } = await serve(t)
  const topicId = await newTopic(app, 'alice', 'completed')
  app.statusStore.begin(topicId, 'start')
  app.statusStore.complete(topicId, 77)

  const late = await openSse(url(topicId), bearer('alice'))
  const frames = await late.rest()
  t.same(messages(frames).map((message) => message.id), ['2'], 'a subscriber arriving after completion gets just the completion')
  t.equal(payload(messages(frames)[0]).artifact_id, 77)

  const done = await openSse(url(topicId), { ...bearer('alice'), 'last-event-id': '2' })
  t.equal(done.status, 204)
  t.equal(done.body, '')

  const missed = await openSse(url(topicId), { ...bearer('alice'), 'last-event-id': '1' })
  t.same(messages(await missed.rest()).map((message) => message.id), ['2'])
})

t.test('the completion comes from the database once the store has forgotten the topic', async (t) => {
  const { app, url } = await serve(t, { STATUS_TTL_MS: '50' })
  const topicId = await newTopic(app, 'alice', 'completed')
  const [artifact] = await app.db.insert(artifacts).values({
    topicId, kind: 'hwpx', version: 1, filename: 'report.hwpx', content: new Uint8Array([1]), size: 1, sha256: 'a'.repeat(64)
  }).returning()
  app.statusStore.begin(topicId, 'start')
  app.statusStore.complete(topicId, artifact!.id)
  t.ok(await waitFor(() => app.statusStore.get(topicId) === undefined), 'the entry expired')

  const stream = await openSse(url(topicId), { ...bearer('alice'), 'last-event-id': '1' })
  const frames = await stream.rest()
  t.equal(messages(frames).length, 1)
  t.equal(messages(frames)[0]?.id, '0')
  t.same(payload(messages(frames)[0]), {
    event: 'completion', topic_id: topicId, status: 'completed', progress_percent: 100, artifact_id: artifact!.id, error_message: null
  })
  const reconnect = await openSse(url(topicId), { ...bearer('alice'), 'last-event-id': '0' })
  t.equal(reconnect.status, 204, 'echoing the persisted completion\'s id back means it was delivered')

  const failedId = await newTopic(app, 'alice', 'failed')
  const failed = await openSse(url(failedId), bearer('alice'))
  t.same(payload((await failed.nextMessage())), {
    event: 'completion', topic_id: failedId, status: 'failed', progress_percent: 0, artifact_id: null, error_message: 'Claude API 오류'
  })
  t.same(await failed.rest(), [])
})

t.test('a topic the database says is generating but the store does not know yet: shown, then followed live', async (t) => {
  const { app, url } = await serve(t)
  const topicId = await newTopic(app, 'alice', 'generating')
  const stream = await openSse(url(topicId), bearer('alice'))
  const first = await stream.nextMessage()
  t.equal(first?.id, undefined, 'no id: it is not one of the store\'s events')
  t.match(payload(first), { event: 'status_update', status: 'generating', progress_percent: 0 })
  t.ok(await waitFor(() => app.statusStore.subscriberCount(topicId) === 1))
  app.statusStore.begin(topicId, 'start')
  app.statusStore.complete(topicId, 3)
  t.same(messages(await stream.rest()).map((message) => message.id), ['1', '2'])
})

t.test('404 for an unknown topic, another user\'s topic, and a topic that never started', async (t) => {
  const { app, url } = await serve(t)
  const cases = [
    { name: 'unknown', topicId: 999_999, message: '999999번 보고서 주제를 찾을 수 없습니다. 내 보고서 목록(GET /api/topics)에서 id를 확인해 주세요.' }
  ]
  const bobs = await newTopic(app, 'bob', 'generating')
  app.statusStore.begin(bobs, 'start')
  cases.push({ name: 'another user\'s, even while generating', topicId: bobs, message: `${bobs}번 보고서 주제를 찾을 수 없습니다. 내 보고서 목록(GET /api/topics)에서 id를 확인해 주세요.` })
  const planned = await newTopic(app, 'alice')
  cases.push({ name: 'never started', topicId: planned, message: `${planned}번 보고서는 아직 생성을 시작하지 않아 진행 상황이 없습니다. 보고서 생성(POST /api/topics/generate)을 시작한 뒤에 확인해 주세요.` })

  for (const { name, topicId, message } of cases) {
    const stream = await openSse(url(topicId), bearer('alice'))
    t.equal(stream.status, 404, name)
    t.match(stream.headers['content-type'], /^application\/json/, name)
    t.match(JSON.parse(stream.body), { success: false, error: { code: 'NOT_FOUND', message } }, name)
  }
  t.equal(app.statusStore.subscriberCount(), 0, 'no stream was started')

  const invalid = await openSse(url(0), bearer('alice'))
  t.equal(invalid.status, 400)
})

t.test('the query token authenticates the stream; a bad or missing one is 401', async (t) => {
  const { app, url } = await serve(t)
  const topicId = await newTopic(app, 'alice', 'generating')
  app.statusStore.begin(topicId, 'start')

  const ok = await openSse(url(topicId, `?access_token=${tokenOf('alice')}`))
  t.equal(ok.status, 200)
  t.equal((await ok.nextMessage())?.id, '1')
  ok.close()

  const asBob = await openSse(url(topicId, `?access_token=${tokenOf('bob')}`))
  t.equal(asBob.status, 404, 'the token decides whose topics are visible')

  for (const query of ['?access_token=garbage', `?access_token=${bearer('alice', 'another-secret-that-is-long-enough-too!').authorization.slice(7)}`, '']) {
    const denied = await openSse(url(topicId, query))
    t.equal(denied.status, 401, query || 'no token')
    t.equal(JSON.parse(denied.body).error.code, 'UNAUTHORIZED')
  }
})

t.test('heartbeat comments arrive while nothing changes', async (t) => {
  const { app, url } = await serve(t, { SSE_IDLE_TIMEOUT_MS: '1000' })
  const topicId = await newTopic(app, 'alice', 'generating')
  app.statusStore.begin(topicId, 'start')
  const stream = await openSse(url(topicId), bearer('alice'))
  t.equal((await stream.next())?.type, 'message')
  const frames = await stream.rest()
  const pings = frames.filter((frame) => frame.type === 'comment' && frame.text === 'ping')
  t.ok(pings.length >= 3, `${pings.length} heartbeats in a second at a 100 ms interval`)
  t.equal(pings.length, frames.length, 'and nothing else')
})

t.test('a client that disconnects is unsubscribed at once', async (t) => {
  const { app, url } = await serve(t, { SSE_IDLE_TIMEOUT_MS: '60000' })
  const topicId = await newTopic(app, 'alice', 'generating')
  app.statusStore.begin(topicId, 'start')
  const stream = await openSse(url(topicId), bearer('alice'))
  await stream.nextMessage()
  t.equal(app.statusStore.subscriberCount(topicId), 1)
  stream.close()
  t.ok(await waitFor(() => app.statusStore.subscriberCount(topicId) === 0, 5000), 'gone long before the idle timeout')
})

t.test('clients that leave while their request is handled leave no subscriber behind', async (t) => {
  const { app, url } = await serve(t, { SSE_IDLE_TIMEOUT_MS: '60000' })
  // Only in the database as generating: the route waits for two queries before it subscribes.
  const topicId = await newTopic(app, 'alice', 'generating')
  for (let i = 0; i < 200; i++) {
    const request = http.request(url(topicId), { headers: bearer('alice'), agent: false })
    request.on('error', () => {})
    request.end()
    await sleep(i % 6)
    request.destroy()
  }
  // Zero subscribers holds before any of the requests got as far as subscribing, so first every
  // connection must be gone, and the handlers given time to run on past their client's departure.
  const openConnections = () => new Promise<number>((resolve, reject) => app.server.getConnections((error, count) => error ? reject(error) : resolve(count)))
  t.ok(await waitFor(async () => await openConnections() === 0, 10_000), 'every connection closed')
  await sleep(1000)
  t.equal(app.statusStore.subscriberCount(), 0, 'no subscriber left')
  const stream = await openSse(url(topicId), bearer('alice'))
  t.equal(stream.status, 200, 'and the server still serves streams')
  stream.close()
})

t.test('1 000 connect/disconnect cycles leave no subscriber behind', async (t) => {
  const { app, url } = await serve(t, { SSE_IDLE_TIMEOUT_MS: '60000' })
  const topicId = await newTopic(app, 'alice', 'generating')
  app.statusStore.begin(topicId, 'start')
  const headers = bearer('alice')
  let peak = 0
  for (let i = 0; i < 1000; i++) {
    const stream = await openSse(url(topicId), headers)
    if ((await stream.nextMessage())?.id !== '1') t.fail(`cycle ${i} got no first message`)
    peak = Math.max(peak, app.statusStore.subscriberCount())
    stream.close()
  }
  t.ok(peak >= 1, 'the streams were subscribed')
  t.ok(await waitFor(() => app.statusStore.subscriberCount() === 0, 5000), `0 subscribers after the cycles (${app.statusStore.subscriberCount()} left)`)
})

t.test('app.close() ends open streams promptly and the clients see the end', async (t) => {
  const { app, url } = await serve(t, { SSE_IDLE_TIMEOUT_MS: '60000', SSE_HEARTBEAT_MS: '15000' })
  const topicId = await newTopic(app, 'alice', 'generating')
  app.statusStore.begin(topicId, 'start')
  const streams = await Promise.all([1, 2, 3].map(() => openSse(url(topicId), bearer('alice'))))
  for (const stream of streams) await stream.nextMessage()

  const started = Date.now()
  const outcome = await Promise.race([app.close().then(() => 'closed'), sleep(10_000).then(() => 'hung')])
  t.equal(outcome, 'closed')
  t.ok(Date.now() - started < 5000, `closed in ${Date.now() - started} ms`)
  for (const stream of streams) t.same(await stream.rest(2000), [], 'the stream ended cleanly')
  t.equal(app.statusStore.subscriberCount(), 0)
  t.match(app.statusStore.fail(topicId, 'server shutting down'), { status: 'failed' }, 'the store still takes the final status')
})

t.test('a run that finishes during the shutdown grace still reaches its open streams', async (t) => {
  const app = await buildApp({ config: testConfig({ SSE_IDLE_TIMEOUT_MS: '60000' }), database: await sharedTestDatabase() })
  t.teardown(() => app.close())
  const topicId = await newTopic(app, 'alice', 'generating')
  // Stands in for the generation plugin's preClose grace: a root-level hook, like every fastify-plugin's.
  app.addHook('preClose', async () => {
    await sleep(200)
    app.statusStore.complete(topicId, 8)
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  app.statusStore.begin(topicId, 'start')
  const stream = await openSse(`http://127.0.0.1:${port}/api/topics/${topicId}/status/stream`, bearer('alice'))
  t.equal((await stream.nextMessage())?.id, '1')

  await app.close()
  const rest = messages(await stream.rest(2000))
  t.same(rest.map((message) => message.id), ['2'], 'the completion arrived before the stream ended')
  t.equal(payload(rest[0]).event, 'completion')
})
