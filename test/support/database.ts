import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { PGlite } from '@electric-sql/pglite'
import { drizzle } from 'drizzle-orm/pglite'
import { migrate } from 'drizzle-orm/pglite/migrator'
import postgres from 'postgres'
import { MIGRATIONS_FOLDER, openDatabase, type DatabaseHandle } from '../../src/db/client.js'

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

const CACHE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../node_modules/.cache/reportflow-test')

async function snapshotKey (): Promise<string> {
  const hash = createHash('sha256')
  // Its package.json is not exported, so it is found beside the resolved entry point.
  const entry = fileURLToPath(import.meta.resolve('@electric-sql/pglite'))
  hash.update(await fs.readFile(path.join(entry.slice(0, entry.lastIndexOf(`${path.sep}dist${path.sep}`)), 'package.json')))
  const files = (await fs.readdir(MIGRATIONS_FOLDER, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile())
  for (const file of files.map((entry) => path.join(entry.parentPath, entry.name)).sort()) {
    hash.update(path.relative(MIGRATIONS_FOLDER, file)).update(await fs.readFile(file))
  }
  return hash.digest('hex').slice(0, 16)
}

/**
 * An empty PGlite spends seconds of CPU in initdb before the migrations even start, in every test
 * file, many times over. So the migrated database is made once, dumped to a file named after the
 * PGlite version and the migrations (any change makes a new one), and each test database starts
 * from that dump. Parallel test files may both make it the first time; the rename keeps it whole.
 */
async function migratedPgliteDump (): Promise<Blob> {
  const file = path.join(CACHE_DIR, `pglite-migrated-${await snapshotKey()}.tar`)
  const cached = await fs.readFile(file).catch(() => undefined)
  if (cached) return new Blob([cached])
  const client = new PGlite()
  await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_FOLDER })
  const dump = await client.dumpDataDir('none')
  await client.close()
  await fs.mkdir(CACHE_DIR, { recursive: true })
  const partial = `${file}.${process.pid}.partial`
  await fs.writeFile(partial, Buffer.from(await dump.arrayBuffer()))
  await fs.rename(partial, file)
  return dump
}

let pgliteDump: Promise<Blob> | undefined

/**
 * CI runs the files whose first line is `// test-database: postgres` again on PostgreSQL, and
 * `// test-database: pglite-only (why)` says a file knowingly is not. A file that opens a database
 * without saying which fails here, so none drops out of the PostgreSQL pass unnoticed.
 */
async function checkDeclaredDatabaseUse () {
  const file = process.argv[1]
  if (!file?.endsWith('.test.ts')) return
  const firstLine = (await fs.readFile(file, 'utf8')).split('\n', 1)[0]
  if (!/^\/\/ test-database: (postgres|pglite-only \(.+\))$/.test(firstLine ?? '')) {
    throw new Error(`${path.relative(process.cwd(), file)} opens a database: make its first line "// test-database: postgres" (or "// test-database: pglite-only (why)")`)
  }
}

/** The caller owns the handle: closing it also drops the Postgres database. */
export async function createTestDatabase (): Promise<DatabaseHandle> {
  await checkDeclaredDatabaseUse()
  if (!TEST_DATABASE_URL) return openDatabase({ pgliteDataDump: await (pgliteDump ??= migratedPgliteDump()) })
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
