import t from 'tap'
import { randomUUID } from 'node:crypto'
import { anthropicEnv } from '../../support/fake-anthropic.js'
import { openSse, payload, type SseFrame, type SseMessage } from '../../support/sse.js'
import { bearer, generate, pollUntil, POSTGRES_URL, replicaPair, runningOn, startReplica, waitFor, type Replica } from './support/replica.js'

// Two service processes on one Postgres, as behind a load balancer: every claim here is about
// processes, so each replica is a real process on a real port.
// Each service process starts from the sources (and PGlite from its files): minutes on a busy machine.
t.setTimeout(360_000)
if (!POSTGRES_URL) {
  t.plan(0, 'needs PostgreSQL (TEST_DATABASE_URL or TEST_POSTGRES_URL): PGlite is one process\'s database')
} else {
  const { databaseUrl, sql, fakes } = await replicaPair(t)
  const env = (name: string) => ({
    DATABASE_URL: databaseUrl,
    REDIS_URL: 'redis://127.0.0.1:6379',
    ...anthropicEnv(fakes[name]!),
    PLAN_RATE_LIMIT_MAX: '10'
  })
  // One after the other: the first applies the migrations.
  const a = await startReplica(t, 'A', env('A'))
  const b = await startReplica(t, 'B', env('B'))
  const replicas: Record<string, Replica> = { A: a, B: b }

  /** Which replica is writing the topic: the one whose Claude got the report request. */
  const writerOf = async (before: Record<string, number>) => {
    await waitFor(() => Object.entries(fakes).some(([name, fake]) => fake.reportRequests().length > before[name]!))
    const [name, fake] = Object.entries(fakes).find(([key, fake]) => fake.reportRequests().length > before[key]!)!
    return { writer: replicas[name]!, other: name === 'A' ? b : a, answer: fake.reportRequests().at(-1)! }
  }
  const reportCounts = () => Object.fromEntries(Object.entries(fakes).map(([name, fake]) => [name, fake.reportRequests().length]))
  const messagesOf = (frames: SseFrame[]) => frames.filter((frame): frame is SseMessage => frame.type === 'message')
  const loggedSeqs = async (topicId: number) => (await sql<{ seq: number }[]>`select seq from generation_events where topic_id = ${topicId} order by seq`).map((row) => row.seq)

  t.test('the plan limit holds per user across replicas: the 11th plan is refused whichever replica gets it', async (t) => {
    const user = `limit-${randomUUID()}`
    const plan = (replica: Replica) => replica.post('/api/topics/plan', user, { topic: '2026 디지털뱅킹 트렌드 분석' })
    for (let i = 0; i < 10; i++) t.equal((await plan(i % 2 === 0 ? a : b)).status, 200)
    t.equal((await plan(a)).status, 429, 'the 11th on A')
    const refused = await plan(b)
    t.equal(refused.status, 429, 'and on B')
    t.match(await refused.json(), { success: false, error: { code: 'RATE_LIMITED' } })
  })

  t.test('generate on A; poll and stream on B: every event in order, with the same ids as A and the log', async (t) => {
    const user = `stream-${randomUUID()}`
    const topicId = await generate(a, user)
    const [onA, onB, textOnB] = await Promise.all([
      openSse(`${a.url}/api/topics/${topicId}/status/stream`, bearer(user)),
      openSse(`${b.url}/api/topics/${topicId}/status/stream`, bearer(user)),
      openSse(`${b.url}/api/topics/${topicId}/status/stream?include=text`, bearer(user))
    ])
    const polled = await pollUntil(b, user, topicId, (status) => status.status !== 'generating')
    t.match(polled, { status: 'completed', progress_percent: 100, artifact_id: Number })

    const fromA = messagesOf(await onA!.rest(30_000))
    const fromB = messagesOf(await onB!.rest(30_000))
    const logged = await loggedSeqs(topicId)
    const idsB = fromB.map((message) => Number(message.id))
    t.ok(idsB.length >= 5, `B streamed the run (${idsB.length} events)`)
    t.same(idsB, logged.slice(logged.indexOf(idsB[0]!)), 'B: every event from the first one on, in log order')
    const idsA = fromA.map((message) => Number(message.id))
    t.same(idsA, logged.slice(logged.indexOf(idsA[0]!)), 'A: the same ids')
    t.match(payload(fromB.at(-1)), { event: 'completion', status: 'completed' })
    const percents = fromB.map((message) => payload(message).progress_percent as number)
    t.same(percents, [...percents].sort((x, y) => x - y), 'progress only rises')

    let text = ''
    for (const message of messagesOf(await textOnB!.rest(30_000))) {
      const body = payload(message)
      if (body.event === 'report_text') text = text.slice(0, body.offset as number) + (body.text as string)
    }
    const [md] = await sql<{ content: Uint8Array }[]>`select content from artifacts where topic_id = ${topicId} and kind = 'md'`
    t.equal(text, Buffer.from(md!.content).toString('utf8'), 'B streams the text written on whichever replica, adding up to the saved Markdown')

    // A client of A reconnects to B after the 3rd event: exactly the missed events, from the log.
    const resumed = await openSse(`${b.url}/api/topics/${topicId}/status/stream`, { ...bearer(user), 'last-event-id': String(idsA[2]) })
    t.same(messagesOf(await resumed.rest(10_000)).map((message) => Number(message.id)), idsA.slice(3), 'Last-Event-ID resumes on the other replica')
  })

  t.test('cancel from one replica a report the other is writing', async (t) => {
    // About ten pieces a second apart: far from its end when it is cancelled.
    for (const fake of Object.values(fakes)) fake.reportBehaviors = [{ kind: 'report', chunkDelayMs: 1000 }]
    const user = `cancel-${randomUUID()}`
    const before = reportCounts()
    const topicId = await generate(a, user)
    const { writer, other, answer } = await writerOf(before)
    const stream = await openSse(`${writer.url}/api/topics/${topicId}/status/stream`, bearer(user))
    const cancelled = await other.post(`/api/topics/${topicId}/cancel`, user)
    t.equal(cancelled.status, 200)
    t.match(await cancelled.json(), { success: true, data: { status: 'cancelled' } })
    const since = Date.now()
    while (await runningOn(writer) !== 0) await new Promise((resolve) => setTimeout(resolve, 50))
    t.ok(Date.now() - since < 5000, `the writer stopped in ${Date.now() - since} ms, long before the report's end`)
    t.equal(await answer.finished, false, 'its Claude answer was cut short')
    t.match(payload(messagesOf(await stream.rest(10_000)).at(-1)), { event: 'completion', status: 'cancelled' }, 'its streams end with the cancel')
    t.match(await pollUntil(writer, user, topicId, () => true), { status: 'cancelled' })
    const [saved] = await sql<{ n: number }[]>`select count(*)::int as n from artifacts where topic_id = ${topicId}`
    t.equal(saved!.n, 0, 'nothing saved')
    for (const fake of Object.values(fakes)) fake.reportBehaviors = []
    t.equal(await generate(other, user, { topic_id: topicId }).then(() => 202), 202, 'it can be generated again')
    t.match(await pollUntil(a, user, topicId, (status) => status.status !== 'generating'), { status: 'completed' })
  })
}
