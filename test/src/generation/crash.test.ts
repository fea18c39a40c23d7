import t from 'tap'
import { randomUUID } from 'node:crypto'
import { anthropicEnv } from '../../support/fake-anthropic.js'
import { openSse, payload, type SseConnection } from '../../support/sse.js'
import { bearer, generate, pollUntil, POSTGRES_URL, replicaPair, startReplica, statusOf, waitFor, type Replica } from './support/replica.js'

// A report survives the death of the process writing it: kill -9 (its heartbeat stops, and the
// other replica takes the job up) and SIGTERM (a deploy: the job is handed back at once).
// Each service process starts from the sources (and PGlite from its files): minutes on a busy machine.
t.setTimeout(360_000)
if (!POSTGRES_URL) {
  t.plan(0, 'needs PostgreSQL (TEST_DATABASE_URL or TEST_POSTGRES_URL): PGlite is one process\'s database')
} else {
  const { databaseUrl, sql, fakes } = await replicaPair(t)
  // A short grace hands the running report back on SIGTERM sooner, by the same path as the default 3 s.
  const env = (name: string) => ({ DATABASE_URL: databaseUrl, SHUTDOWN_GRACE_MS: '500', ...anthropicEnv(fakes[name]!) })
  const replicas: Record<string, Replica> = {}
  // Replicas restarted inside a test outlive it: they belong to the file.
  const root = t
  replicas.A = await startReplica(t, 'A', env('A'))
  replicas.B = await startReplica(t, 'B', env('B'))

  /** Starts a slow report on A and answers which replica writes it, and the other one. */
  const startSlowReport = async (user: string) => {
    const before = Object.fromEntries(Object.entries(fakes).map(([name, fake]) => [name, fake.reportRequests().length]))
    for (const fake of Object.values(fakes)) fake.reportBehaviors = [{ kind: 'report', chunkDelayMs: 500 }]
    const topicId = await generate(replicas.A!, user)
    await waitFor(() => Object.entries(fakes).some(([name, fake]) => fake.reportRequests().length > before[name]!))
    const name = Object.keys(fakes).find((key) => fakes[key]!.reportRequests().length > before[key]!)!
    const otherName = name === 'A' ? 'B' : 'A'
    for (const fake of Object.values(fakes)) fake.reportBehaviors = []
    return { topicId, name, writer: replicas[name]!, other: replicas[otherName]! }
  }

  t.test('kill -9 of the writer mid-report: the other replica writes it again and it completes', async (t) => {
    const user = `kill-${randomUUID()}`
    const { topicId, name, writer, other } = await startSlowReport(user)
    await pollUntil(other, user, topicId, (status) => status.progress_percent >= 5)
    writer.child.kill('SIGKILL')
    await writer.exited
    const final = await pollUntil(other, user, topicId, (status) => status.status !== 'generating', 90_000)
    t.match(final, { status: 'completed', progress_percent: 100, artifact_id: Number })
    // The retry's step lasts until its first heading, a moment a poll can miss: the log has every step.
    const steps = await sql<{ step: string | null }[]>`select event->>'current_step' as step from generation_events where topic_id = ${topicId} order by seq`
    t.ok(steps.some(({ step }) => /^재시도 중 \(2\/3\)/.test(step ?? '')), 'the status said it was retrying, and which attempt')
    replicas[name] = await startReplica(root, name, env(name))
  })

  t.test('SIGTERM of the writer with 50 streams open: it exits within 10 s, the streams end, the report completes elsewhere', async (t) => {
    const user = `term-${randomUUID()}`
    const { topicId, name, writer, other } = await startSlowReport(user)
    const streams: SseConnection[] = []
    for (let i = 0; i < 50; i++) streams.push(await openSse(`${writer.url}/api/topics/${topicId}/status/stream`, bearer(user)))
    const signalledAt = Date.now()
    writer.child.kill('SIGTERM')
    const code = await writer.exited
    const tookMs = Date.now() - signalledAt
    t.equal(code, 0, 'a clean exit')
    t.ok(tookMs < 10_000, `exited in ${tookMs} ms`)

    const seen = await Promise.all(streams.map((stream) => stream.rest(15_000)))
    t.equal(seen.length, 50, 'every stream ended (EventSource reconnects)')
    const lastIds = seen.map((frames) => frames.filter((frame) => frame.type === 'message').at(-1)?.id)
    const final = await pollUntil(other, user, topicId, (status) => status.status !== 'generating', 60_000)
    t.match(final, { status: 'completed', progress_percent: 100 })

    // Each client resumes on the other replica from its last id and gets the rest, completion last.
    const resumed = await openSse(`${other.url}/api/topics/${topicId}/status/stream`, { ...bearer(user), 'last-event-id': lastIds[0]! })
    const rest = (await resumed.rest(10_000)).filter((frame) => frame.type === 'message')
    t.ok(rest.length > 0 && rest.every((message) => Number(message.id) > Number(lastIds[0])), 'only events after the last one seen')
    t.match(payload(rest.at(-1) as never), { event: 'completion', status: 'completed' })
    replicas[name] = await startReplica(root, name, env(name))
    t.match(await statusOf(replicas[name]!, user, topicId), { status: 'completed' }, 'the restarted replica answers too')
  })
}
