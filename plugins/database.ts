import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { openDatabase, type Database, type DatabaseHandle } from '../src/db/client.js'

declare module 'fastify' {
  interface FastifyInstance {
    db: Database
    database: DatabaseHandle
  }
}

export interface DatabasePluginOptions {
  /** An already open database (tests share one across app instances); it is not closed with the app. */
  handle?: DatabaseHandle
}

export default fp<DatabasePluginOptions>(async function database (app: FastifyInstance, options) {
  let handle = options.handle
  if (!handle) {
    const { databaseUrl, dataDir, database } = app.config
    handle = await openDatabase({
      url: databaseUrl,
      pgliteDir: databaseUrl ? undefined : path.join(dataDir, 'pglite'),
      timeouts: { connectMs: database.connectTimeoutMs, queryMs: database.queryTimeoutMs }
    })
    const owned = handle
    app.addHook('onClose', async () => { await owned.close() })
  }
  app.log.info({ driver: handle.driver }, 'database ready')
  app.decorate('database', handle)
  app.decorate('db', handle.db)
}, { name: 'database', dependencies: ['config'] })
