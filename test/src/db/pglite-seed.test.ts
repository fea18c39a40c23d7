// test-database: pglite-only (the seed is the embedded database's first start)
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import t from 'tap'
import { MIGRATIONS_FOLDER, openDatabase } from '../../../src/db/client.js'
import { templates } from '../../../src/db/schema.js'
import { cachedPgliteSeedFolder, makePgliteSeedFolder } from '../../../src/db/pglite-seed.js'

t.test('a new data folder starts as a copy of the migrated seed made at install, and keeps its own data', async (t) => {
  const seed = await makePgliteSeedFolder(MIGRATIONS_FOLDER)
  t.equal(await cachedPgliteSeedFolder(MIGRATIONS_FOLDER), seed)
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'reportflow-seed-'))
  t.teardown(() => fs.rmSync(dataDir, { recursive: true, force: true }))
  const pgliteDir = path.join(dataDir, 'pglite')

  // Without migrating, the tables are there: only the copy can have put them there.
  const first = await openDatabase({ pgliteDir, migrate: false })
  t.same((await first.db.select().from(templates)).map((row) => row.isDefault), [true], 'migrated, with the default template')
  await first.db.insert(templates).values({ name: '내 양식', promptSystem: '지침', ownerId: 'seed-user' })
  await first.close()

  const again = await openDatabase({ pgliteDir })
  t.equal((await again.db.select().from(templates)).length, 2, 'a restart opens the folder as it was, not a fresh copy')
  await again.close()
})
