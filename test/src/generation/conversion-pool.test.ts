// test-database: pglite-only (the warm-up is the same on both databases; the report only carries it)
import t from 'tap'
import { buildApp } from '../../../app.js'
import { ConversionPool } from '../../../src/generation/conversion-pool.js'
import { unzipHwpx } from '../hwpx/support/zip.js'
import { bearer, sharedTestDatabase, testConfig } from '../../support/app.js'
import { anthropicEnv, startFakeAnthropic } from '../../support/fake-anthropic.js'
import { planTopic, startGeneration, waitForTerminal, waitUntil } from '../../support/generation.js'
import { captureLog } from '../../support/log-capture.js'

t.test('a warm-up starts every conversion thread once and converts on it; a warm thread answers at once', async (t) => {
  const pool = new ConversionPool()
  t.teardown(() => pool.close())

  const first = await pool.warmUp(1)
  t.equal(first.length, pool.threads, 'one answer per thread the pool may use')
  t.equal(new Set(first.map((thread) => thread.threadId)).size, pool.threads, 'each from a thread of its own')
  t.ok(first.every((thread) => thread.warmedNow), 'each thread converted the sample report')

  const again = await pool.warmUp(1)
  t.ok(again.every((thread) => !thread.warmedNow), 'a warm thread does not convert the sample again')
  t.same(new Set(again.map((thread) => thread.threadId)), new Set(first.map((thread) => thread.threadId)), 'the same threads, kept between reports')

  const hwpx = await pool.convertHwpx('# 제목\n\n본문', { title: '제목' })
  t.match(Buffer.from((await unzipHwpx(hwpx)).files.get('Contents/section0.xml') ?? []).toString(), '본문', 'a warmed thread converts reports')
})

t.test('a report warms the conversion threads up while Claude is still writing it; CONVERSION_WARM_UP_ROUNDS=0 does not', async (t) => {
  for (const rounds of ['1', '0']) {
    const fake = await startFakeAnthropic(t)
    let release!: () => void
    fake.reportBehaviors = [{ kind: 'report', holdAfterChunks: 1, until: new Promise<void>((resolve) => { release = resolve }) }]
    const { stream, records: lines } = captureLog()
    const config = testConfig({ ...anthropicEnv(fake), CONVERSION_WARM_UP_ROUNDS: rounds })
    const app = await buildApp({ config, database: await sharedTestDatabase(), logger: { level: 'debug', stream } })
    t.teardown(() => app.close())
    await app.ready()

    const user = `warm-up-${rounds}`
    const { topic_id: topicId } = await planTopic(app, user)
    await startGeneration(app, user, { topic_id: topicId })
    const warmedUp = () => lines.some((line) => line.msg === 'conversion threads warmed up' && line.topicId === topicId)
    if (rounds === '1') {
      await waitUntil(warmedUp)
      t.equal((await app.inject({ method: 'GET', url: `/api/topics/${topicId}/status`, headers: bearer(user) })).json().data.status,
        'generating', 'the threads were warm before Claude finished the report')
    }
    release()
    t.equal((await waitForTerminal(app, topicId)).status, 'completed')
    if (rounds === '0') t.notOk(warmedUp(), 'no warm-up when it is turned off')
  }
})
