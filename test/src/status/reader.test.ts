// test-database: postgres
import t from 'tap'
import { ReportTexts } from '../../../src/status/report-text.js'
import { StatusReader } from '../../../src/status/reader.js'
import { StatusStore } from '../../../src/status/store.js'
import { openTestDatabase } from '../../support/database.js'

t.test('readStatus answers a run held in memory even when its TTL runs out while it reads', async (t) => {
  const { db } = await openTestDatabase(t)
  const ttlMs = 60_000
  let now = Date.parse('2026-01-02T03:04:05.000Z')
  let ticking = false
  // Once ticking, every look at the clock is 2 ms later than the one before.
  const store = new StatusStore({ ttlMs, now: () => { const at = now; if (ticking) now += 2; return at } })
  t.teardown(() => store.close())
  store.begin(5, '계획 분석 중', 'reader-user')
  const finished = store.complete(5, 42)
  now += ttlMs - 1
  ticking = true
  const reader = new StatusReader(db, store, { warm: async () => {}, texts: new ReportTexts() })
  t.same(await reader.readStatus('reader-user', 5), finished, 'live at the first look, expired at any later one')
})
