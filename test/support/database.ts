import { randomBytes } from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import postgres from 'postgres'
import { MIGRATIONS_FOLDER, openDatabase, type DatabaseHandle } from '../../src/db/client.js'
import { migratedPgliteDump } from '../../src/db/pglite-seed.js'

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

let pgliteDump: Promise<Blob> | undefined
let declarationChecked: Promise<void> | undefined

/**
 * CI runs the files whose first line is `// test-database: postgres` again on PostgreSQL, and
 * `// test-database: pglite-only (why)` says a file knowingly is not. A file that opens a database
 * without saying which fails here, so none drops out of the PostgreSQL pass unnoticed.
 */
async function checkDeclaredDatabaseUse () {
  const file = process.argv[1]
  if (!file || !/\.test\.[jt]s$/.test(file)) return
  // `npm test` runs the compiled file, beside which its source lies (test/run.ts).
  const firstLine = (await fs.readFile(file.replace(/\.js$/, '.ts'), 'utf8')).split('\n', 1)[0]
  if (!/^\/\/ test-database: (postgres|pglite-only \(.+\))$/.test(firstLine ?? '')) {
    throw new Error(`${path.relative(process.cwd(), file)} opens a database: make its first line "// test-database: postgres" (or "// test-database: pglite-only (why)")`)
  }
}

/** The caller owns the handle: closing it also drops the Postgres database. */
export async function createTestDatabase (): Promise<DatabaseHandle> {
  await (declarationChecked ??= checkDeclaredDatabaseUse())
  if (!TEST_DATABASE_URL) return openDatabase({ pgliteDataDump: await (pgliteDump ??= migratedPgliteDump(MIGRATIONS_FOLDER)) })
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
