// test-database: pglite-only (the seed is the embedded database's first start)
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import t from 'tap'
import pgBossPackage from 'pg-boss/package.json' with { type: 'json' }
import { MIGRATIONS_FOLDER, openDatabase } from '../../../src/db/client.js'
import { templates } from '../../../src/db/schema.js'
import { cachedPgliteSeedFolder, makePgliteSeedFolder, migratedPgliteDump } from '../../../src/db/pglite-seed.js'

t.test('a new data folder starts as a copy of the migrated seed made at install, and keeps its own data', async (t) => {
  const seed = await makePgliteSeedFolder(MIGRATIONS_FOLDER)
  t.equal(await cachedPgliteSeedFolder(MIGRATIONS_FOLDER), seed)
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'reportflow-seed-'))
  t.teardown(() => fs.rmSync(dataDir, { recursive: true, force: true }))
  const pgliteDir = path.join(dataDir, 'pglite')

  // Without migrating, the tables are there: only the copy can have put them there.
  const first = await openDatabase({ pgliteDir, migrate: false })
  t.same((await first.db.select().from(templates)).map((row) => row.isDefault), [true], 'migrated, with the default template')
  t.same((await first.pglite!.query('select version from pgboss.version')).rows, [{ version: pgBossPackage.pgboss.schema }], 'with the job queue\'s tables at the installed pg-boss\'s version')
  await first.db.insert(templates).values({ name: '내 양식', promptSystem: '지침', ownerId: 'seed-user' })
  await first.close()

  const again = await openDatabase({ pgliteDir })
  t.equal((await again.db.select().from(templates)).length, 2, 'a restart opens the folder as it was, not a fresh copy')
  await again.close()
})

t.test('a seed that cannot be copied leaves no half copy behind and the first start initdbs instead', async (t) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'reportflow-seed-'))
  t.teardown(() => fs.rmSync(dataDir, { recursive: true, force: true }))
  // A seed the service's user cannot read all of, as a root-made seed is to the image's node user.
  // Tests run as root, whom file modes do not stop, so a FIFO is the file that cannot be copied.
  const seed = path.join(dataDir, 'seed')
  fs.cpSync(await makePgliteSeedFolder(MIGRATIONS_FOLDER), seed, { recursive: true })
  execFileSync('mkfifo', [path.join(seed, 'base', 'unreadable')])
  const pgliteDir = path.join(dataDir, 'pglite')
  const warnings: string[] = []

  const database = await openDatabase({ pgliteDir, pgliteSeedFolder: seed, warn: (_error, message) => warnings.push(message) })
  t.same((await database.db.select().from(templates)).map((row) => row.isDefault), [true], 'a working, migrated database')
  await database.close()
  t.match(warnings, [/copying the PGlite seed .* failed; starting from an empty database/], 'said why the start was slower')
  t.same(fs.readdirSync(dataDir).sort(), ['pglite', 'seed'], 'no partial folder left beside it')
  t.notOk(fs.existsSync(path.join(pgliteDir, 'base', 'unreadable')), 'the data folder is initdb\'s, not part of the seed')

  const again = await openDatabase({ pgliteDir, migrate: false })
  t.equal((await again.db.select().from(templates)).length, 1, 'and it opens again as it was')
  await again.close()
})

t.test('an in-memory database (each test file\'s) starts from the migrated dump, with the same start parameters', async (t) => {
  const database = await openDatabase({ pgliteDataDump: await migratedPgliteDump(MIGRATIONS_FOLDER), migrate: false })
  t.teardown(() => database.close())
  // Without migrating, the tables are there: only the dump can have put them there.
  t.same((await database.db.select().from(templates)).map((row) => row.isDefault), [true], 'migrated, with the default template')
  t.same((await database.pglite!.query('select version from pgboss.version')).rows, [{ version: pgBossPackage.pgboss.schema }], 'with the job queue\'s tables')
  t.same((await database.pglite!.query('show shared_buffers')).rows, [{ shared_buffers: '16MB' }])
})
