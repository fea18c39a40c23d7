import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { PlanDrafts } from '../src/planning/plan-drafts.js'

declare module 'fastify' {
  interface FastifyInstance {
    planDrafts: PlanDrafts
  }
}

export default fp(async function planDrafts (app: FastifyInstance) {
  app.decorate('planDrafts', new PlanDrafts(app.db))
  // Before the database closes: the descriptions written so far are saved, not lost.
  app.addHook('preClose', () => app.planDrafts.close())
}, { name: 'plan-drafts', dependencies: ['database'] })
