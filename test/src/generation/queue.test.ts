// test-database: postgres
import t from 'tap'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import pino from 'pino'
import { openJobQueue } from '../../../src/generation/queue.js'
import { openTestDatabase, testDriverName } from '../../support/database.js'

const require = createRequire(import.meta.url)
const pgBossPackage = JSON.parse(fs.readFileSync(require.resolve('pg-boss/package.json'), 'utf8')) as { version: string, engines: { node: string } }

t.test(`pg-boss ${pgBossPackage.version} (engines ${pgBossPackage.engines.node}) runs on this Node ${process.version}, on ${testDriverName}`, async (t) => {
  t.match(pgBossPackage.version, /^12\./, 'pg-boss 12')
  const database = await openTestDatabase(t)
  const boss = await openJobQueue({ database, log: pino({ level: 'silent' }), maxAttempts: 3, heartbeatSeconds: 10, monitorSeconds: 60, expireInSeconds: 60 })
  t.teardown(() => boss.stop({ graceful: false, close: true }))
  await boss.createQueue('round-trip', { notify: true })

  const seen = new Set<number>()
  const done = new Promise<void>((resolve) => {
    boss.work<{ n: number }>('round-trip', { localConcurrency: 4, pollingIntervalSeconds: 0.5 }, async ([job]) => {
      seen.add(job!.data.n)
      if (seen.size === 200) resolve()
    }).catch(() => {})
  })
  for (let n = 0; n < 200; n++) await boss.send('round-trip', { n })
  await done
  t.equal(seen.size, 200, '200 jobs sent and worked, woken by LISTEN/NOTIFY')
})
