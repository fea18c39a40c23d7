import { loadConfig } from '../src/config.js'
import { databaseOptions, openDatabase } from '../src/db/client.js'

const config = loadConfig()
const handle = await openDatabase(databaseOptions(config))
console.log(`migrations applied (${handle.driver})`)
await handle.close()
