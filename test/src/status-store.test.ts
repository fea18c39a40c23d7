import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { StatusStore, type StatusStoreOptions } from '../../src/status/store.js'
import type { StatusEvent } from '../../src/status/types.js'

function makeStore (t: { teardown: (fn: () => unknown) => void }, options: Partial<StatusStoreOptions> = {}) {
  const store = new StatusStore({ ttlMs: 60_000, ...options })
  t.teardown(() => store.close())
  return store
}

/** A next() that lost a race is still owed its value: the next drain picks it up. */
const outstanding = new WeakMap<AsyncIterator<StatusEvent>, Promise<IteratorResult<StatusEvent>>>()

/** Everything the iterator hands out without waiting. */
async function drain (events: AsyncIterator<StatusEvent>): Promise<Array<StatusEvent | 'done'>> {
  const seen: Array<StatusEvent | 'done'> = []
  while (true) {
    const next = outstanding.get(events) ?? events.next()
    outstanding.set(events, next)
    const result = await Promise.race([next, sleep(20).then(() => 'waiting' as const)])
    if (result === 'waiting') return seen
    outstanding.delete(events)
    if (result.done) return [...seen, 'done']
    seen.push(result.value)
  }
}

const ids = (seen: Array<StatusEvent | 'done'>) => seen.map((item) => item === 'done' ? 'done' : item.id)

t.test('begin starts a run once; a finished run can be restarted with ids that go on', async (t) => {
  let now = Date.parse('2026-01-02T03:04:05.000Z')
  const store = makeStore(t, { now: () => now })
  t.equal(store.begin(7, '계획 분석 중'), true)
  const started = store.get(7)
  t.same(started, {
    topic_id: 7,
    status: 'generating',
    progress_percent: 0,
    current_step: '계획 분석 중',
    started_at: '2026-01-02T03:04:05.000Z',
    estimated_completion: null,
    artifact_id: null,
    completed_at: null,
    error_message: null
  })
  t.equal(store.latestEvent(7)?.id, 1)
  t.equal(store.begin(7, 'again'), false, 'a second begin while generating is refused')
  t.equal(store.get(7), started, 'and changes nothing')
  t.equal(store.latestEvent(7)?.id, 1, 'and publishes nothing')
  t.ok(store.isGenerating(7))

  now += 1000
  store.complete(7, 99)
  t.equal(store.get(7)?.status, 'completed')
  t.notOk(store.isGenerating(7))
  t.notOk(store.isGenerating(8), 'an unknown topic is not generating')
  t.equal(store.begin(7, 'rerun'), true, 'a finished topic can run again')
  t.match(store.get(7), { status: 'generating', progress_percent: 0, artifact_id: null, completed_at: null, started_at: '2026-01-02T03:04:06.000Z' })
  t.equal(store.latestEvent(7)?.id, 3, 'the sequence continues across runs')
})

t.test('update: progress never goes back and stays below 100; other fields patch', async (t) => {
  const store = makeStore(t)
  store.begin(1, 'start')
  t.equal(store.update(1, { progress_percent: 50 }).progress_percent, 50)
  t.equal(store.update(1, { progress_percent: 30 }).progress_percent, 50, 'a lower value is clamped')
  t.equal(store.update(1, { progress_percent: Number.NaN }).progress_percent, 50, 'NaN is ignored')
  t.equal(store.update(1, { progress_percent: 61.6 }).progress_percent, 62, 'rounded')
  t.equal(store.update(1, { progress_percent: 150 }).progress_percent, 99, '100 is left for complete()')
  const patched = store.update(1, { current_step: '본문 작성 중', estimated_completion: '2026-01-01T00:10:00.000Z' })
  t.match(patched, { progress_percent: 99, current_step: '본문 작성 중', estimated_completion: '2026-01-01T00:10:00.000Z' })
  t.match(store.update(1, {}), { current_step: '본문 작성 중', estimated_completion: '2026-01-01T00:10:00.000Z' }, 'absent fields are kept')
  t.match(store.update(1, { current_step: null, estimated_completion: null }), { current_step: null, estimated_completion: null }, 'null clears')
  t.equal(store.latestEvent(1)?.id, 9, 'every update publishes')
  t.throws(() => { (store.get(1) as { progress_percent: number }).progress_percent = 0 }, TypeError, 'snapshots are frozen')
})

t.test('complete and fail finish a run; nothing changes a run that is not generating', async (t) => {
  const now = Date.parse('2026-03-01T00:00:00.000Z')
  const store = makeStore(t, { now: () => now })
  store.begin(1, 'a')
  store.update(1, { progress_percent: 40, estimated_completion: '2026-03-01T00:05:00.000Z' })
  t.same(store.complete(1, 123), {
    topic_id: 1,
    status: 'completed',
    progress_percent: 100,
    current_step: 'a',
    started_at: '2026-03-01T00:00:00.000Z',
    estimated_completion: null,
    artifact_id: 123,
    completed_at: '2026-03-01T00:00:00.000Z',
    error_message: null
  })
  store.begin(2, 'b')
  store.update(2, { progress_percent: 40, estimated_completion: '2026-03-01T00:05:00.000Z' })
  t.match(store.fail(2, 'Claude API 오류'), {
    status: 'failed', progress_percent: 40, estimated_completion: null, completed_at: '2026-03-01T00:00:00.000Z', error_message: 'Claude API 오류', artifact_id: null
  })
  for (const topicId of [1, 2, 3]) {
    t.throws(() => store.update(topicId, { progress_percent: 1 }), /not generating/)
    t.throws(() => store.complete(topicId, 1), /not generating/)
    t.throws(() => store.fail(topicId, 'x'), /not generating/)
  }
  t.equal(store.latestEvent(1)?.id, 3, 'refused changes publish nothing')
})

t.test('a subscriber gets the current snapshot, then every event in order, and ends after the terminal one', async (t) => {
  const store = makeStore(t)
  store.begin(5, 'start')
  store.update(5, { progress_percent: 10 })
  const events = store.subscribe(5)
  t.equal(store.subscriberCount(5), 1)
  for (let p = 20; p <= 90; p += 10) store.update(5, { progress_percent: p })
  store.complete(5, 42)
  t.equal(store.subscriberCount(5), 0, 'unsubscribed as soon as the terminal event is queued')
  const seen = await drain(events)
  t.same(ids(seen), [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 'done'])
  t.same(seen.slice(0, -1).map((e) => (e as StatusEvent).snapshot.progress_percent), [10, 20, 30, 40, 50, 60, 70, 80, 90, 100])
  t.equal((seen[9] as StatusEvent).snapshot.status, 'completed')
})

t.test('every subscriber of a topic receives every event; other topics stay apart', async (t) => {
  const store = makeStore(t)
  store.begin(1, 'a')
  store.begin(2, 'b')
  const readers = [store.subscribe(1), store.subscribe(1), store.subscribe(1)]
  const other = store.subscribe(2)
  t.equal(store.subscriberCount(), 4)
  t.equal(store.subscriberCount(1), 3)
  store.update(1, { progress_percent: 50 })
  store.fail(1, 'boom')
  for (const reader of readers) t.same(ids(await drain(reader)), [1, 2, 3, 'done'])
  t.same(ids(await drain(other)), [1], 'topic 2 saw only its own event and is still open')
  t.equal(store.subscriberCount(), 1)
})

t.test('lastEventId resumes with exactly the missed events', async (t) => {
  const store = makeStore(t, { historySize: 5 })
  store.begin(1, 'a')
  for (let p = 1; p <= 19; p++) store.update(1, { progress_percent: p })
  t.equal(store.latestEvent(1)?.id, 20)

  t.same(ids(await drain(store.subscribe(1, { lastEventId: 17 }))), [18, 19, 20], 'the missed events, then waits')
  t.same(ids(await drain(store.subscribe(1, { lastEventId: 20 }))), [], 'nothing missed: nothing replayed')
  t.same(ids(await drain(store.subscribe(1, { lastEventId: 15 }))), [16, 17, 18, 19, 20], 'the whole history, exactly')
  t.same(ids(await drain(store.subscribe(1, { lastEventId: 14 }))), [20], 'event 15 has left the history: the current snapshot')
  t.same(ids(await drain(store.subscribe(1, { lastEventId: 500 }))), [20], 'an id from an older incarnation: the current snapshot')
  t.same(ids(await drain(store.subscribe(1))), [20], 'no id: the current snapshot')

  const live = store.subscribe(1, { lastEventId: 19 })
  store.update(1, { progress_percent: 50 })
  t.same(ids(await drain(live)), [20, 21], 'then the live events')
})

t.test('a reader that has seen the terminal event gets nothing more; one that has not, gets it', async (t) => {
  const store = makeStore(t)
  store.begin(1, 'a')
  store.complete(1, 9)
  t.same(ids(await drain(store.subscribe(1, { lastEventId: 2 }))), ['done'])
  t.same(ids(await drain(store.subscribe(1, { lastEventId: 1 }))), [2, 'done'])
  t.same(ids(await drain(store.subscribe(1))), [2, 'done'])
  t.equal(store.subscriberCount(), 0)
})

t.test('a new run drops the old run\'s events but a client of the old run resumes into the new one', async (t) => {
  const store = makeStore(t)
  store.begin(1, 'first')
  store.complete(1, 9)
  store.begin(1, 'second')
  store.update(1, { progress_percent: 5 })
  t.same(ids(await drain(store.subscribe(1, { lastEventId: 2 }))), [3, 4], 'saw the first run\'s completion: gets the whole second run')
  t.same(ids(await drain(store.subscribe(1, { lastEventId: 1 }))), [4], 'missed the first completion: the current state instead')
})

t.test('a subscriber can wait for a run that has not begun yet', async (t) => {
  const store = makeStore(t)
  const early = store.subscribe(3)
  t.same(ids(await drain(early)), [])
  store.begin(3, 'go')
  t.same(ids(await drain(early)), [1])
})

t.test('finished entries expire after the TTL; running ones never do', async (t) => {
  let now = 0
  const store = makeStore(t, { ttlMs: 1000, now: () => now })
  store.begin(1, 'a')
  store.begin(2, 'b')
  store.complete(1, 5)
  now = 999
  t.equal(store.get(1)?.status, 'completed')
  now = 1000
  t.equal(store.get(1), undefined, 'gone at the TTL')
  t.equal(store.latestEvent(1), undefined)
  t.equal(store.size, 1)
  now = 1_000_000
  t.equal(store.get(2)?.status, 'generating', 'a running entry is kept however long it runs')
  t.equal(store.begin(1, 'again'), true, 'an expired topic starts afresh')
})

t.test('the sweeper frees expired entries without anyone asking for them', async (t) => {
  const store = makeStore(t, { ttlMs: 30 })
  for (let topicId = 1; topicId <= 50; topicId++) {
    store.begin(topicId, 'x')
    store.complete(topicId, topicId)
  }
  store.begin(999, 'still running')
  t.equal(store.size, 51)
  const deadline = Date.now() + 5000
  while (store.size > 1 && Date.now() < deadline) await sleep(20)
  t.equal(store.size, 1, 'only the running entry is left')
})

t.test('clear drops the entry and ends its subscriptions', async (t) => {
  const store = makeStore(t)
  store.begin(1, 'a')
  const reader = store.subscribe(1)
  t.same(ids(await drain(reader)), [1])
  const pending = reader.next()
  store.clear(1)
  t.same(await pending, { done: true, value: undefined }, 'a waiting reader is released')
  t.equal(store.subscriberCount(), 0)
  t.equal(store.get(1), undefined)
  t.equal(store.size, 0)
  t.same(ids(await drain(store.subscribe(1, { lastEventId: 1 }))), [], 'a later reader waits for a new run')
})

t.test('a slow subscriber blocks neither the publisher nor the others, and is cut off when too far behind', async (t) => {
  const store = makeStore(t, { historySize: 10 })
  store.begin(1, 'a')
  const slow = store.subscribe(1)
  const fast = store.subscribe(1)
  const fastSeen: number[] = []
  const reading = (async () => { for await (const event of fast) fastSeen.push(event.id) })()
  for (let p = 1; p <= 30; p++) {
    store.update(1, { progress_percent: p })
    await sleep(0)
  }
  t.equal(fastSeen.length, 31, 'the fast reader kept up while the slow one read nothing')
  t.equal(store.subscriberCount(1), 1, 'the slow reader was cut off, the fast one is still there')
  store.complete(1, 1)
  await reading
  t.same(fastSeen, Array.from({ length: 32 }, (_, i) => i + 1))
  t.same(ids(await drain(slow)), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 'done'],
    'the slow reader still gets what it had queued, in order, then ends and can resume from the history')
})

t.test('publishing to many subscribers is synchronous', async (t) => {
  const store = makeStore(t)
  store.begin(1, 'a')
  const readers = Array.from({ length: 1000 }, () => store.subscribe(1))
  store.update(1, { progress_percent: 10 })
  const results = await Promise.all(readers.map((reader) => drain(reader)))
  t.ok(results.every((seen) => seen.length === 2), 'all 1000 hold both events without any await in between')
})

t.test('return() and abort unsubscribe at once; 1000 cycles leave nothing behind', async (t) => {
  const store = makeStore(t)
  store.begin(1, 'a')
  for (let i = 0; i < 1000; i++) {
    const reader = store.subscribe(1)
    await reader.next()
    const waiting = reader.next()
    const returned = reader.return()
    if (store.subscriberCount(1) !== 0) t.fail('return() must unsubscribe at once')
    if ((await waiting).done !== true || (await returned).done !== true) t.fail('a pending next() must end on return()')
  }
  for (let i = 0; i < 1000; i++) {
    const controller = new AbortController()
    const reader = store.subscribe(1, { signal: controller.signal })
    await reader.next()
    controller.abort()
    if (store.subscriberCount() !== 0) t.fail('abort must unsubscribe at once')
  }
  t.equal(store.subscriberCount(), 0)

  const aborted = AbortSignal.abort()
  t.same(ids(await drain(store.subscribe(1, { signal: aborted }))), ['done'], 'an aborted signal ends the subscription before it starts')
  t.equal(store.subscriberCount(), 0)
})

t.test('close ends every subscription and refuses new ones, but still takes status changes', async (t) => {
  const store = new StatusStore({ ttlMs: 1000 })
  store.begin(1, 'a')
  store.begin(2, 'b')
  const readers = [store.subscribe(1), store.subscribe(2), store.subscribe(3)]
  store.close()
  t.equal(store.subscriberCount(), 0)
  for (const reader of readers) t.equal(ids(await drain(reader)).at(-1), 'done')
  t.same(ids(await drain(store.subscribe(1))), ['done'])
  t.match(store.fail(1, 'shutting down'), { status: 'failed' }, 'a generation ending during shutdown can still report')
  store.close()
})

t.test('options are validated', async (t) => {
  t.throws(() => new StatusStore({ ttlMs: 0 }), RangeError)
  t.throws(() => new StatusStore({ ttlMs: 10, historySize: 0 }), RangeError)
})

t.test('a finished run keeps only its final event in memory; a resume from before it gets that event', async (t) => {
  const store = makeStore(t)
  store.begin(1, 'a')
  for (let i = 0; i < 10; i++) store.update(1, { progress_percent: 10 + i })
  store.complete(1, 9)
  t.equal(store.oldestEventId(1), 12, 'the history is the completion alone')
  t.same(ids(await drain(store.subscribe(1, { lastEventId: 3 }))), [12, 'done'], 'what the missed events add up to')
  t.same(ids(await drain(store.subscribe(1, { lastEventId: 12 }))), ['done'], 'a reader that saw it gets nothing more')
  store.backfill(1, [{ id: 11, snapshot: { ...store.get(1)!, status: 'generating', progress_percent: 19 } }])
  t.same(ids(await drain(store.subscribe(1, { lastEventId: 10 }))), [11, 12, 'done'], 'events read back from the log fill in a resume')
})

t.test('finished entries are a bounded cache: the oldest go first, runs under way never', async (t) => {
  const store = makeStore(t, { maxFinished: 2 })
  store.begin(100, 'still running')
  for (const id of [1, 2, 3]) {
    store.begin(id, 'a')
    store.complete(id, id)
  }
  t.equal(store.get(1), undefined, 'the oldest finished entry made room')
  t.equal(store.get(2)?.status, 'completed')
  t.equal(store.get(3)?.status, 'completed')
  t.equal(store.get(100)?.status, 'generating')
  t.equal(store.size, 3)
  store.apply(4, { id: 7, snapshot: { ...store.get(3)!, topic_id: 4 } }, 'someone')
  t.equal(store.get(2), undefined, 'a final event from another replica counts too')
  t.equal(store.get(4)?.status, 'completed')
})
