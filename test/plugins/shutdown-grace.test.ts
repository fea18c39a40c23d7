// test-database: pglite-only (Fastify's plugin timeout against the shutdown grace does not depend on the database)
import t from 'tap'
import { buildTestApp } from '../support/app.js'
import { startGeneration } from '../support/generation.js'

t.test('a shutdown grace longer than Fastify\'s default plugin timeout (10 s) is waited out, not cut short', async (t) => {
  const app = await buildTestApp(t, { env: { OFFLINE_PIECE_DELAY_MS: '60000', SHUTDOWN_GRACE_MS: '10500' } })
  const started = await startGeneration(app, 'long-grace', {})
  t.equal(started.statusCode, 202)
  const closing = app.close().then(() => 'closed', (error: Error & { code?: string }) => error.code ?? error.message)
  t.equal(await closing, 'closed', 'no AVV_ERR_READY_TIMEOUT')
})
