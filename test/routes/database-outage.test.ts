// test-database: postgres
import { sql } from 'drizzle-orm'
import t from 'tap'
import { buildApp } from '../../app.js'
import { openDatabase } from '../../src/db/client.js'
import { isDatabaseUnavailable } from '../../src/db/unavailable.js'
import { bearer, listenOnLoopback, testConfig } from '../support/app.js'
import { createTestDatabase, TEST_DATABASE_URL } from '../support/database.js'
import { proxyToTestDatabase } from '../support/tcp-proxy.js'

async function timed<T> (work: () => Promise<T>): Promise<[T, number]> {
  const startedAt = performance.now()
  const result = await work()
  return [result, performance.now() - startedAt]
}

/** Timeouts short enough for a test; the answer has to come well before a client would give up. */
const TIMEOUTS = { connectMs: 500, queryMs: 800 }
const QUICK_MS = 4000

t.test('PostgreSQL stopped or hung: 503 in our envelope quickly, /ready bounded, /health unaffected, and healed without a restart',
  { skip: !TEST_DATABASE_URL && 'needs PostgreSQL (TEST_DATABASE_URL, the second pass of .ci/run)' }, async (t) => {
    const database = await createTestDatabase()
    t.teardown(() => database.close())
    const { proxy, url: proxiedUrl } = await proxyToTestDatabase(t, database)
    const handle = await openDatabase({ url: proxiedUrl, migrate: false, timeouts: TIMEOUTS })
    t.teardown(() => handle.close())
    const app = await buildApp({ config: testConfig({ READY_TIMEOUT_MS: '500' }), database: handle })
    t.teardown(() => app.close())
    const { url } = await listenOnLoopback(app)
    const get = async (path: string, headers: Record<string, string> = {}) => {
      const res = await fetch(`${url}${path}`, { headers })
      return { status: res.status, headers: res.headers, body: await res.json() as Record<string, unknown> }
    }

    t.equal((await get('/api/templates', bearer('outage'))).status, 200, 'through the proxy, all is well')

    for (const mode of ['hang', 'refuse'] as const) {
      proxy.set(mode)
      const [ready, readyMs] = await timed(() => get('/ready'))
      t.equal(ready.status, 503, `${mode}: /ready says 503`)
      t.ok(readyMs < QUICK_MS, `${mode}: /ready answered in ${Math.round(readyMs)} ms`)

      const [api, apiMs] = await timed(() => get('/api/templates', bearer('outage')))
      t.equal(api.status, 503, `${mode}: an API route says 503, not 500`)
      t.match(api.body, { success: false, error: { code: 'SERVICE_UNAVAILABLE', message: /데이터베이스에 연결할 수 없어/ }, meta: { requestId: String } })
      t.equal(api.headers.get('retry-after'), '5')
      t.ok(apiMs < QUICK_MS, `${mode}: answered in ${Math.round(apiMs)} ms`)
      t.equal((await get('/health')).status, 200, `${mode}: liveness is unaffected`)

      proxy.set('pass')
      let healed = await get('/api/templates', bearer('outage'))
      const deadline = Date.now() + 10_000
      while (healed.status !== 200 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100))
        healed = await get('/api/templates', bearer('outage'))
      }
      t.equal(healed.status, 200, `${mode}: once the database is back, so is the service`)
      t.equal((await get('/ready')).status, 200)
    }

    // A statement the server runs too long is cancelled by the server (statement_timeout) ...
    const slow = await handle.db.execute(sql`select pg_sleep(5)`).then(() => undefined, (error: unknown) => error)
    t.ok(isDatabaseUnavailable(slow), 'a statement past DB_QUERY_TIMEOUT_MS counts as the database being unavailable')
    // ... and one sent on an open connection to a server that has gone silent is given up by the client.
    await handle.ping()
    proxy.set('hang')
    const [silent, silentMs] = await timed(() => handle.ping().then(() => undefined, (error: unknown) => error))
    proxy.set('pass')
    t.match((silent as Error).cause, { code: 'DB_QUERY_TIMEOUT' }, 'a query on a connection gone silent fails')
    t.ok(isDatabaseUnavailable(silent))
    t.ok(silentMs < QUICK_MS, `after ${Math.round(silentMs)} ms`)
  })

t.test('a closed database (PGlite or PostgreSQL) answers 503 on API routes and /ready', async (t) => {
  const database = await createTestDatabase()
  const app = await buildApp({ config: testConfig(), database })
  t.teardown(() => app.close())
  t.teardown(() => database.close())
  const token = bearer('closed-db')
  t.equal((await app.inject({ method: 'GET', url: '/api/templates', headers: token })).statusCode, 200)
  await database.close()
  for (const url of ['/api/templates', '/api/topics', '/api/topics/1']) {
    const res = await app.inject({ method: 'GET', url, headers: token })
    t.equal(res.statusCode, 503, url)
    t.match(res.json(), { success: false, error: { code: 'SERVICE_UNAVAILABLE', message: /잠시 후 다시 시도해 주세요/ } })
  }
  t.equal((await app.inject({ method: 'GET', url: '/ready' })).statusCode, 503)
})
