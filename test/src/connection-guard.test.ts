// test-database: postgres
import { sql } from 'drizzle-orm'
import postgres from 'postgres'
import t, { type Test } from 'tap'
import { openDatabase } from '../../src/db/client.js'
import { guardedSocket } from '../../src/db/connection-guard.js'
import { createTestDatabase, TEST_DATABASE_URL } from '../support/database.js'

t.test('the LISTEN connection stays open through silence longer than the statement timeout, and hears every NOTIFY',
  { skip: !TEST_DATABASE_URL && 'needs PostgreSQL (TEST_DATABASE_URL): PGlite listens in process' }, async (t) => {
    const database = await createTestDatabase()
    t.teardown(() => database.close())
    // Silence counts after queryMs + 2 s: a short statement timeout makes it come round within the test.
    const handle = await openDatabase({ url: database.url!, migrate: false, timeouts: { connectMs: 1000, queryMs: 100 } })
    t.teardown(() => handle.close())
    const heard: string[] = []
    const unlisten = await handle.listen('guard_test', (payload) => heard.push(payload))
    t.teardown(() => unlisten())
    const listenerPid = async () => {
      const rows = await database.db.execute(sql`select pid from pg_stat_activity
        where datname = current_database() and query ilike 'listen%' and pid <> pg_backend_pid()`) as unknown as Array<{ pid: number }>
      return rows.map((row) => row.pid)
    }
    const before = await listenerPid()
    t.equal(before.length, 1, 'one LISTEN session')
    await new Promise((resolve) => setTimeout(resolve, 5000))
    t.same(await listenerPid(), before, 'the same backend after twice the silence limit: the connection was never dropped')
    await database.db.execute(sql`select pg_notify('guard_test', 'after the silence')`)
    const deadline = Date.now() + 5000
    while (heard.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
    t.same(heard, ['after the silence'])
  })

/**
 * postgres.js on a guarded socket with no statement timeout of its own, so only the guard can end
 * a statement the server takes too long over (pg_sleep stands for a server gone silent).
 */
function guardedClient (t: Test, url: string, silenceMs: number) {
  const client = postgres(url, { max: 1, onnotice: () => {}, ...{ socket: guardedSocket({ connectMs: 1000, queryMs: silenceMs - 2000 }) } })
  t.teardown(() => client.end({ timeout: 1 }))
  return client
}

const outcome = (query: Promise<unknown>) => query.then(() => 'answered', (error: Error & { code?: string }) => error.code ?? error.message)

t.test('a connection that sat idle longer than the silence limit still gives up on the next statement the server does not answer',
  { skip: !TEST_DATABASE_URL && 'needs PostgreSQL (TEST_DATABASE_URL)' }, async (t) => {
    const database = await createTestDatabase()
    t.teardown(() => database.close())
    const client = guardedClient(t, database.url!, 2100)
    t.same(await client`select 1 as one`, [{ one: 1 }])
    await new Promise((resolve) => setTimeout(resolve, 3000))
    const startedAt = performance.now()
    t.equal(await outcome(client`select pg_sleep(20)`), 'DB_QUERY_TIMEOUT')
    t.ok(performance.now() - startedAt < 15_000, 'given up on long before the server would have answered')
  })

t.test('statements pipelined on one connection are each watched until the last is answered',
  { skip: !TEST_DATABASE_URL && 'needs PostgreSQL (TEST_DATABASE_URL)' }, async (t) => {
    const database = await createTestDatabase()
    t.teardown(() => database.close())
    const client = guardedClient(t, database.url!, 2100)
    await client`select 1`
    // One connection: postgres.js sends the second statement before the first is answered, and the
    // first one's ReadyForQuery must not count for both.
    const [quick, slow] = await Promise.all([outcome(client`select 1`), outcome(client`select pg_sleep(20)`)])
    t.equal(quick, 'answered')
    t.equal(slow, 'DB_QUERY_TIMEOUT')
  })
