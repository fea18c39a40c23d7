// test-database: postgres
import { sql } from 'drizzle-orm'
import t from 'tap'
import { openDatabase } from '../../src/db/client.js'
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
