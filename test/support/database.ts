import { randomBytes } from 'node:crypto'
import postgres from 'postgres'
import { openDatabase, type DatabaseHandle } from '../../src/db/client.js'

/** Set by .ci/run (and by a developer who wants it) to run every database test on real Postgres too. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined

export const testDriverName = TEST_DATABASE_URL ? 'postgres' : 'pglite'

interface Teardown { teardown: (fn: () => unknown) => void }

/**
 * A migrated database of its own for one test file: a fresh in-memory PGlite, or a freshly
 * created Postgres database (dropped afterwards) so parallel test files never see each other's rows.
 */
export async function openTestDatabase (t: Teardown): Promise<DatabaseHandle> {
  const handle = await createTestDatabase()
  t.teardown(() => handle.close())
  return handle
}

/** The caller owns the handle: closing it also drops the Postgres database. */
export async function createTestDatabase (): Promise<DatabaseHandle> {
  if (!TEST_DATABASE_URL) return openDatabase({})
  const name = `reportflow_test_${process.pid}_${randomBytes(4).toString('hex')}`
  const admin = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database "${name}"`)
  const url = new URL(TEST_DATABASE_URL)
  url.pathname = `/${name}`
  const handle = await openDatabase({ url: url.toString() })
  let closed = false
  return {
    ...handle,
    close: async () => {
      if (closed) return
      closed = true
      await handle.close()
      await admin.unsafe(`drop database if exists "${name}" with (force)`)
      await admin.end()
    }
  }
}
