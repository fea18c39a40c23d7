import type { FastifyInstance } from 'fastify'
import artifactRoutes from './artifacts.js'
import cancelRoutes from './cancel.js'
import generateRoutes from './generate.js'
import planRoutes from './plan.js'
import planDraftRoutes from './plan-draft.js'
import statusRoutes from './status.js'
import statusStreamRoutes from './status-stream.js'
import templateRoutes from './templates.js'
import topicRoutes from './topics.js'

/** Everything under /api needs a signed-in user; the hook lives here so no route can forget it. */
export default async function api (app: FastifyInstance) {
  app.addHook('onRequest', app.authenticate)
  await app.register(templateRoutes)
  await app.register(topicRoutes)
  await app.register(statusStreamRoutes)
  await app.register(planRoutes)
  await app.register(planDraftRoutes)
  await app.register(generateRoutes)
  await app.register(statusRoutes)
  await app.register(cancelRoutes)
  await app.register(artifactRoutes)
}
