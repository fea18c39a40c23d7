import { MIGRATIONS_FOLDER } from '../src/db/client.js'
import { makePgliteSeedFolder } from '../src/db/pglite-seed.js'

/** Run at install (`prepare`): the migrated data folder a first start copies instead of running initdb. */
console.log(`PGlite seed: ${await makePgliteSeedFolder(MIGRATIONS_FOLDER)}`)
