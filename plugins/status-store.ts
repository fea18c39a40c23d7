import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { StatusStore } from '../src/status/store.js'

declare module 'fastify' {
  interface FastifyInstance {
    statusStore: StatusStore
  }
}

export default fp(async function statusStore (app: FastifyInstance) {
  const store = new StatusStore({ ttlMs: app.config.statusTtlMs })
  app.decorate('statusStore', store)
  // server.close() waits for every open connection, and a status stream is never idle: the
  // streams have to end before it, so this runs in preClose rather than onClose. The store
  // still takes status changes afterwards, from generations finishing while the server drains.
  app.addHook('preClose', async () => { store.close() })
}, { name: 'status-store', dependencies: ['config'] })
