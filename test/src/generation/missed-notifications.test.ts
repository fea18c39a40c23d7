// test-database: postgres
import t from 'tap'
import { buildApp } from '../../../app.js'
import { openDatabase } from '../../../src/db/client.js'
import { bearer, buildTestApp, listenOnLoopback, testConfig } from '../../support/app.js'
import { createTestDatabase, TEST_DATABASE_URL } from '../../support/database.js'
import { proxyToTestDatabase } from '../../support/tcp-proxy.js'
import { anthropicEnv, startFakeAnthropic } from '../../support/fake-anthropic.js'
import { startGeneration, waitForTerminal } from '../../support/generation.js'

/** Long enough (60 pieces, 200 ms apart) for the observer to start and lose its LISTEN connection mid-run. */
const SLOW_REPORT = `# 2026 디지털뱅킹 트렌드 분석\n\n## 요약\n\n${'디지털뱅킹은 빠르게 바뀌고 있습니다. '.repeat(120)}\n`

t.test('an app whose LISTEN connection was down when a run ended on another app reads the end from the log once it is back',
  { skip: !TEST_DATABASE_URL && 'needs PostgreSQL (TEST_DATABASE_URL): PGlite is one process\'s database' }, async (t) => {
    const database = await createTestDatabase()
    t.teardown(() => database.close())
    const fake = await startFakeAnthropic(t)
    fake.defaultReport = { kind: 'report', markdown: SLOW_REPORT, chunkDelayMs: 200 }
    const writer = await buildTestApp(t, { database, env: anthropicEnv(fake) })
    const user = 'missed-notice'
    const started = await startGeneration(writer, user, {})
    t.equal(started.statusCode, 202)
    const topicId = started.json().data.topic_id as number
    while (fake.reportRequests().length === 0) await new Promise((resolve) => setTimeout(resolve, 20))

    // The observer reaches the same database through a proxy that can cut it off; it starts once the
    // writer has the job, so it only follows the run.
    const { proxy, url: proxiedUrl } = await proxyToTestDatabase(t, database)
    const handle = await openDatabase({ url: proxiedUrl, migrate: false, timeouts: { connectMs: 500, queryMs: 2000 } })
    t.teardown(() => handle.close())
    const observer = await buildApp({ config: testConfig(), database: handle })
    t.teardown(() => observer.close())
    const { url } = await listenOnLoopback(observer)
    const status = async () => {
      const res = await fetch(`${url}/api/topics/${topicId}/status`, { headers: bearer(user) })
      return (await res.json() as { data: { status: string } }).data.status
    }
    t.equal(await status(), 'generating', 'the observer follows the run')

    // Its connections (the LISTEN one with them) drop, and the run ends while it cannot reconnect.
    proxy.set('refuse')
    t.match(await waitForTerminal(writer, topicId, 60_000), { status: 'completed' }, 'the run ends on the writer')
    proxy.set('pass')

    let seen = await status().catch(() => 'unreachable')
    const deadline = Date.now() + 20_000
    while (seen !== 'completed' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200))
      seen = await status().catch(() => 'unreachable')
    }
    t.equal(seen, 'completed', '/status on the observer says completed, not generating for good')
  })
