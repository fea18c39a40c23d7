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
  // The status stream route ends its streams earlier, in preClose; this stops the sweeper and
  // ends any subscription that is not a stream.
  app.addHook('onClose', async () => { store.close() })
}, { name: 'status-store', dependencies: ['config'] })
