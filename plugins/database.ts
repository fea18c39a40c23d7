import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Database, DatabaseHandle } from '../src/db/client.js'

declare module 'fastify' {
  interface FastifyInstance {
    db: Database
  }
}

export interface DatabasePluginOptions {
  /** Opened by whoever builds the app, who also closes it after the app (tests share one across apps). */
  handle: DatabaseHandle
}

/**
 * The queries' database as `app.db`. The rest of the handle (its driver, LISTEN, the readiness
 * ping) is for the few parts that need it, which the composition root hands it to (app.ts).
 */
export default fp<DatabasePluginOptions>(async function database (app: FastifyInstance, { handle }) {
  app.log.info({ driver: handle.driver }, 'database ready')
  app.decorate('db', handle.db)
}, { name: 'database', dependencies: ['config'] })
