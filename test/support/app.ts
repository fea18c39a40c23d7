import type { FastifyInstance } from 'fastify'
import tap from 'tap'
import { buildApp } from '../../app.js'
import { loadConfig } from '../../src/config.js'
import type { DatabaseHandle } from '../../src/db/client.js'
import { signUserToken } from '../../src/auth.js'
import { createTestDatabase } from './database.js'

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256!'

interface TestContext {
  teardown: (fn: () => unknown) => void
}

export interface TestAppOptions {
  env?: Record<string, string>
  /** A database of the test's own (to close it, or to share it between app instances). */
  database?: DatabaseHandle
  /** As the server builds it: the report workers wait for an explicit app.generator.start(). */
  startWorkersAfterListen?: boolean
}

/**
 * A plan's two-second budget and its shedding of late requests answer overload with 503s; on a
 * test machine shared with browsers and databases that would fail tests about other things. The
 * tests of the deadline and the shedding set the product's values themselves.
 */
export const RELAXED_PLAN_BUDGET = { PLAN_BUDGET_MS: '10000', PLAN_MAX_QUEUE_WAIT_MS: '8000' }

/**
 * A conversion thread's warm-up is about a second of CPU spent to save tens of milliseconds on a
 * report; a test's reports are short, and that CPU would slow the tests running beside it. The
 * warm-up's own tests turn it on.
 */
export const NO_CONVERSION_WARM_UP = { CONVERSION_WARM_UP_ROUNDS: '0' }

export function testConfig (env: Record<string, string> = {}) {
  return loadConfig({ JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: 'silent', DATA_DIR: '/nonexistent-test-data', ...RELAXED_PLAN_BUDGET, ...NO_CONVERSION_WARM_UP, ...env })
}

let fileDatabase: Promise<DatabaseHandle> | undefined

/**
 * Starting a database (PGlite above all) costs seconds, so the tests of one file share one;
 * they keep out of each other's way by using their own user ids.
 */
export function sharedTestDatabase (): Promise<DatabaseHandle> {
  if (!fileDatabase) {
    fileDatabase = createTestDatabase()
    tap.teardown(async () => { await (await fileDatabase!).close() })
  }
  return fileDatabase
}

/** The real application through buildApp. */
export async function buildTestApp (t: TestContext, options: TestAppOptions = {}) {
  const database = options.database ?? await sharedTestDatabase()
  const app = await buildApp({ config: testConfig(options.env), database, startWorkersAfterListen: options.startWorkersAfterListen })
  t.teardown(() => app.close())
  await app.ready()
  return app
}

/** Starts the app listening on a free loopback port, for clients that need a real socket. */
export async function listenOnLoopback (app: Pick<FastifyInstance, 'listen' | 'server'>) {
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as { port: number }
  return { port, url: `http://127.0.0.1:${port}` }
}

export function bearer (userId: string, secret = TEST_JWT_SECRET) {
  return { authorization: `Bearer ${signUserToken(secret, userId)}` }
}
