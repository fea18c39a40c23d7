// test-database: postgres
import { setTimeout as sleep } from 'node:timers/promises'
import t, { type Test } from 'tap'
import { fetch } from 'undici'
import { buildApp } from '../../app.js'
import { bearer, listenOnLoopback, sharedTestDatabase, testConfig } from '../support/app.js'
import { planTopic } from '../support/generation.js'
import { captureLog } from '../support/log-capture.js'
import { openSse, payload, type SseFrame } from '../support/sse.js'
import { skipWithoutNginx, startNginx } from './support/nginx.js'

/** The test conf's stream read timeout: far shorter than a production one, and longer than the heartbeat. */
const PROXY_READ_TIMEOUT_MS = 1000

/** The service behind its own nginx, logging to memory so the test can see what the service saw. */
async function serveBehindNginx (t: Test, env: Record<string, string>) {
  const { stream, records: logs } = captureLog()
  const app = await buildApp({
    config: testConfig({ TRUST_PROXY: 'true', SSE_IDLE_TIMEOUT_MS: '10000', ...env }),
    database: await sharedTestDatabase(),
    logger: { level: 'info', stream }
  })
  t.teardown(() => app.close())
  const { port } = await listenOnLoopback(app)
  const nginx = await startNginx(t, { upstreamPort: port, streamReadTimeout: `${PROXY_READ_TIMEOUT_MS / 1000}s` })
  return { app, nginx, logs }
}

t.test('status events arrive through the proxy as they happen, not buffered until the end', { skip: skipWithoutNginx }, async (t) => {
  const { app, nginx } = await serveBehindNginx(t, { SSE_HEARTBEAT_MS: '200' })
  const { topic_id: topicId } = await planTopic(app, 'proxy-live')
  app.statusStore.begin(topicId, '시작')

  // As a browser asks: a proxy that compressed the stream would hold events back in its compressor.
  const stream = await openSse(`${nginx.url}/api/topics/${topicId}/status/stream`, { ...bearer('proxy-live'), 'accept-encoding': 'gzip, deflate, br' })
  t.teardown(() => stream.close())
  t.equal(stream.status, 200)
  t.match(stream.headers['content-type'], /^text\/event-stream/)
  t.equal(stream.headers['content-encoding'], undefined, 'not compressed')
  t.match(payload(await stream.nextMessage()), { event: 'status_update', progress_percent: 0 })

  // Each event has to arrive before the next is published: a buffering proxy would hold them all
  // until the stream ends, and this wait would time out.
  const delays: number[] = []
  for (const percent of [20, 40, 60, 80]) {
    const publishedAt = performance.now()
    app.statusStore.update(topicId, { progress_percent: percent })
    t.match(payload(await stream.nextMessage(5000)), { event: 'status_update', progress_percent: percent })
    delays.push(performance.now() - publishedAt)
    await sleep(200)
  }
  t.comment(`arrival delays through nginx: ${delays.map(Math.round).join(', ')} ms`)

  app.statusStore.complete(topicId, 1)
  t.match(payload(await stream.nextMessage(2000)), { event: 'completion', status: 'completed' })
  t.same(await stream.rest(2000), [], 'the stream ends after the completion')
})

/** nginx writes its access log line when the request ends, a moment after the client sees the answer. */
async function logged (nginx: { accessLog: () => string }, text: string, times = 1) {
  for (let waited = 0; waited < 5000 && nginx.accessLog().split(text).length - 1 < times; waited += 50) await sleep(50)
}

async function quietStream (app: Awaited<ReturnType<typeof serveBehindNginx>>['app'], url: string, user: string) {
  const { topic_id: topicId } = await planTopic(app, user)
  app.statusStore.begin(topicId, '시작')
  const stream = await openSse(`${url}/api/topics/${topicId}/status/stream`, bearer(user))
  const first = await stream.nextMessage()
  const frames: SseFrame[] = []
  const quietUntil = performance.now() + 2.5 * PROXY_READ_TIMEOUT_MS
  let ended = false
  while (!ended && performance.now() < quietUntil) {
    try {
      const frame = await stream.next(Math.max(1, quietUntil - performance.now()))
      if (frame === undefined) ended = true
      else frames.push(frame)
    } catch {
      // Nothing more within the quiet spell.
    }
  }
  return { topicId, stream, first, frames, ended }
}

t.test('heartbeats keep a quiet stream open past the proxy read timeout', { skip: skipWithoutNginx }, async (t) => {
  const { app, nginx } = await serveBehindNginx(t, { SSE_HEARTBEAT_MS: '200' })
  const { topicId, stream, first, frames, ended } = await quietStream(app, nginx.url, 'proxy-quiet')
  t.teardown(() => stream.close())
  t.match(payload(first), { event: 'status_update' })
  t.notOk(ended, `still open after ${2.5 * PROXY_READ_TIMEOUT_MS} ms without a status change`)
  // About twelve are sent; three already cross the read timeout, and a stalled test process may miss some.
  t.ok(frames.length >= 3 && frames.every((f) => f.type === 'comment'), `${frames.length} heartbeats came through`)

  app.statusStore.update(topicId, { progress_percent: 50 })
  t.match(payload(await stream.nextMessage(2000)), { progress_percent: 50 }, 'and it still carries events')
  app.statusStore.fail(topicId, 'stop')
  t.match(payload(await stream.nextMessage(2000)), { event: 'completion', status: 'failed' })
})

t.test('without heartbeats inside the read timeout the proxy cuts the stream (the test can tell)', { skip: skipWithoutNginx }, async (t) => {
  const { app, nginx } = await serveBehindNginx(t, { SSE_HEARTBEAT_MS: '5000' })
  const { topicId, stream, frames, ended } = await quietStream(app, nginx.url, 'proxy-cut')
  t.teardown(() => stream.close())
  t.ok(ended, 'nginx ended the stream')
  t.same(frames, [])
  app.statusStore.clear(topicId)
})

t.test('request ids pass through the proxy both ways; X-Forwarded-* are trusted', { skip: skipWithoutNginx }, async (t) => {
  const { nginx, logs } = await serveBehindNginx(t, { SSE_HEARTBEAT_MS: '200' })

  const given = await fetch(`${nginx.url}/health`, { headers: { 'x-request-id': 'proxy-trace-1', 'x-forwarded-for': '203.0.113.7' } })
  t.equal(given.status, 200)
  t.equal(given.headers.get('x-request-id'), 'proxy-trace-1', 'the caller\'s id comes back')
  const incoming = logs.find((line) => line.requestId === 'proxy-trace-1' && line.msg === 'incoming request')
  t.match(incoming, { req: { url: '/health', remoteAddress: '203.0.113.7' } },
    'the service logged the id, and the client address from X-Forwarded-For (TRUST_PROXY)')

  const made = await fetch(`${nginx.url}/health`)
  const id = made.headers.get('x-request-id')
  t.match(id, /^[0-9a-f]{32}$/, 'without one, nginx\'s $request_id is the id')
  t.ok(logs.some((line) => line.requestId === id), 'the service used it')
  await logged(nginx, `request_id=${id}`)
  t.match(nginx.accessLog(), `request_id=${id}`, 'and nginx logged the same id')
})

t.test('per-user rate limits hold behind the proxy: two users from one address each get their own 10', { skip: skipWithoutNginx }, async (t) => {
  const { nginx } = await serveBehindNginx(t, { SSE_HEARTBEAT_MS: '200' })
  const plan = (user: string) => fetch(`${nginx.url}/api/topics/plan`, {
    method: 'POST',
    headers: { ...bearer(user), 'content-type': 'application/json' },
    body: JSON.stringify({ topic: '프록시 뒤의 요청 제한' })
  })

  const first: number[] = []
  for (let i = 0; i < 10; i++) first.push((await plan('proxy-rate-a')).status)
  t.same(first, Array(10).fill(200), 'user a: 10 plans')
  const limited = await plan('proxy-rate-a')
  t.equal(limited.status, 429, 'the 11th is refused')
  t.match(await limited.json(), { error: { code: 'RATE_LIMITED' } })
  t.equal((await plan('proxy-rate-b')).status, 200, 'user b, through the same proxy address, is not limited by user a')
})

t.test('a token in the query string reaches no log: neither nginx\'s access log nor the service\'s', { skip: skipWithoutNginx }, async (t) => {
  const { app, nginx, logs } = await serveBehindNginx(t, {})
  const { topic_id: topicId } = await planTopic(app, 'proxy-token')
  app.statusStore.begin(topicId, '시작')
  const token = bearer('proxy-token').authorization.slice('Bearer '.length)
  for (const name of ['access_token', 'access%5Ftoken', '%61ccess_token']) {
    const stream = await openSse(`${nginx.url}/api/topics/${topicId}/status/stream?${name}=${token}`)
    t.equal(stream.status, 200, `${name} is accepted`)
    t.match(payload(await stream.nextMessage()), { event: 'status_update' })
    stream.close()
  }
  await logged(nginx, `GET /api/topics/${topicId}/status/stream`, 3)
  t.match(nginx.accessLog(), `GET /api/topics/${topicId}/status/stream HTTP/1.1`, 'nginx logged the request line without its query')
  t.notMatch(nginx.accessLog(), token.split('.')[2]!, 'not the token')
  const serviceLines = JSON.stringify(logs)
  t.notMatch(serviceLines, token.split('.')[2]!, 'the service logged no token either')
  t.match(serviceLines, 'access%5Ftoken=[redacted]')
})
