import fs from 'node:fs/promises'
import path from 'node:path'
import { buildApp } from '../app.js'
import { loadConfig } from '../src/config.js'
import { openDatabase } from '../src/db/client.js'
import {
  buildPostmanCollection, buildPostmanEnvironment, COLLECTION_FILE, ENVIRONMENT_FILE, type OpenApiDocument
} from './postman-collection.js'

// `npm run postman` runs this from the package root.
const POSTMAN_DIR = path.resolve('postman')

// The document comes from the routes themselves, so the app is built (on a throwaway in-memory
// database) but never listens; the environment is ignored so that every machine writes the same files.
const database = await openDatabase({})
const app = await buildApp({ config: loadConfig({ LOG_LEVEL: 'silent', DOCS_ENABLED: 'true' }), database })
try {
  await app.ready()
  const document = app.swagger() as unknown as OpenApiDocument
  await fs.mkdir(POSTMAN_DIR, { recursive: true })
  const write = (file: string, value: unknown) => fs.writeFile(path.join(POSTMAN_DIR, file), `${JSON.stringify(value, null, 2)}\n`)
  await write(COLLECTION_FILE, buildPostmanCollection(document))
  await write(ENVIRONMENT_FILE, buildPostmanEnvironment(document))
  console.log(`wrote ${path.join(POSTMAN_DIR, COLLECTION_FILE)} and ${ENVIRONMENT_FILE}`)
} finally {
  await app.close()
  await database.close()
}
