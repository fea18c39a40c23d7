import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Database, DatabaseHandle } from '../src/db/client.js'

declare module 'fastify' {
  interface FastifyInstance {
    db: Database
    database: DatabaseHandle
  }
}

export interface DatabasePluginOptions {
  /** Opened by whoever builds the app, who also closes it after the app (tests share one across apps). */
  handle: DatabaseHandle
}

export default fp<DatabasePluginOptions>(async function database (app: FastifyInstance, { handle }) {
  app.log.info({ driver: handle.driver }, 'database ready')
  app.decorate('database', handle)
  app.decorate('db', handle.db)
}, { name: 'database', dependencies: ['config'] })
