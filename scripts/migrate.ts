import path from 'node:path'
import { loadConfig } from '../src/config.js'
import { openDatabase } from '../src/db/client.js'

const config = loadConfig()
const handle = await openDatabase({
  url: config.databaseUrl,
  pgliteDir: config.databaseUrl ? undefined : path.join(config.dataDir, 'pglite')
})
console.log(`migrations applied (${handle.driver})`)
await handle.close()
