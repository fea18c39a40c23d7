import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { StatusStore } from '../../src/status/store.js'
import { paceStatusStream, type StreamItem } from '../../src/status/stream-pacing.js'

function setup (t: { teardown: (fn: () => unknown) => void }) {
  const store = new StatusStore({ ttlMs: 60_000 })
  t.teardown(() => store.close())
  store.begin(1, 'start')
  return store
}

const describe = (item: StreamItem) => item.kind === 'heartbeat' ? 'ping' : item.event.id

async function collect (stream: AsyncIterable<StreamItem>) {
  const items: Array<number | 'ping'> = []
  for await (const item of stream) items.push(describe(item))
  return items
}

t.test('events pass through, heartbeats fill the quiet stretches, and the terminal event ends it', async (t) => {
  const store = setup(t)
  const stream = paceStatusStream(store.subscribe(1), { heartbeatMs: 20, idleTimeoutMs: 10_000, maxDurationMs: 60_000 })
  const items = collect(stream)
  await sleep(300)
  store.update(1, { progress_percent: 50 })
  await sleep(100)
  store.complete(1, 7)
  const seen = await items
  t.equal(seen[0], 1, 'the current state first')
  t.same(seen.filter((item) => item !== 'ping'), [1, 2, 3], 'every event, in order, and nothing after the terminal one')
  const pingsBefore = seen.indexOf(2)
  t.ok(pingsBefore >= 3, `heartbeats during the first quiet stretch (${seen.join(',')})`)
  t.ok(seen.slice(pingsBefore + 1, -1).includes('ping'), 'and during the second')
  t.equal(store.subscriberCount(), 0)
})

t.test('a quiet stream ends after the idle timeout, heartbeats notwithstanding, and lets go of the subscription', async (t) => {
  const store = setup(t)
  const started = Date.now()
  const seen = await collect(paceStatusStream(store.subscribe(1), { heartbeatMs: 20, idleTimeoutMs: 150, maxDurationMs: 60_000 }))
  const elapsed = Date.now() - started
  t.equal(seen[0], 1)
  t.ok(seen.length >= 3 && seen.slice(1).every((item) => item === 'ping'), `only heartbeats after the first event (${seen.join(',')})`)
  t.ok(elapsed >= 140 && elapsed < 5000, `ended after the idle timeout (${elapsed} ms)`)
  t.equal(store.subscriberCount(), 0, 'the subscription was returned')
})

t.test('a status change resets the idle timeout', async (t) => {
  const store = setup(t)
  const items = collect(paceStatusStream(store.subscribe(1), { heartbeatMs: 10_000, idleTimeoutMs: 600, maxDurationMs: 60_000 }))
  for (let p = 1; p <= 8; p++) {
    await sleep(150)
    store.update(1, { progress_percent: p })
  }
  store.complete(1, 1)
  const seen = await items
  t.same(seen, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 'still open 1200 ms in, twice the idle timeout, because events kept coming')
})

t.test('the hard cap ends even a busy stream', async (t) => {
  const store = setup(t)
  const publisher = { running: true }
  const publishing = (async () => {
    for (let p = 1; publisher.running && p < 99; p++) {
      store.update(1, { progress_percent: p })
      await sleep(20)
    }
  })()
  const started = Date.now()
  const seen = await collect(paceStatusStream(store.subscribe(1), { heartbeatMs: 1000, idleTimeoutMs: 10_000, maxDurationMs: 250 }))
  const elapsed = Date.now() - started
  publisher.running = false
  await publishing
  t.ok(seen.length >= 3, `events flowed until the cap (${seen.length})`)
  t.ok(elapsed >= 240 && elapsed < 5000, `ended at the cap (${elapsed} ms)`)
  t.equal(store.subscriberCount(), 0)
})

t.test('returning the stream early returns the subscription', async (t) => {
  const store = setup(t)
  const stream = paceStatusStream(store.subscribe(1), { heartbeatMs: 1000, idleTimeoutMs: 10_000, maxDurationMs: 60_000 })
  t.equal(describe((await stream.next()).value as StreamItem), 1)
  t.equal(store.subscriberCount(), 1)
  await stream.return()
  t.equal(store.subscriberCount(), 0)
})
