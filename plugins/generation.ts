import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { GenerationService } from '../src/generation/service.js'

declare module 'fastify' {
  interface FastifyInstance {
    generator: GenerationService
  }
}

export default fp(async function generation (app: FastifyInstance) {
  const generator = new GenerationService({
    db: app.db,
    llm: app.llm,
    store: app.statusStore,
    log: app.log,
    shutdownGraceMs: app.config.shutdownGraceMs,
    observer: app.metrics
  })
  await generator.recoverInterrupted()
  app.decorate('generator', generator)
  // preClose runs before the server stops and before the database plugin's onClose, so running
  // generations can still save their results (or their failure) during the grace period.
  app.addHook('preClose', async () => { await generator.shutdown() })
}, { name: 'generation', dependencies: ['database', 'llm', 'status-store', 'metrics'] })
