import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { TemplateRow } from '../../src/db/schema.js'
import { Deleted, IdParams, ok, Page, Pagination, Success } from '../../src/schemas/common.js'
import { authErrors, bodyErrors, ErrorAnswer, withNotFound } from '../../src/schemas/error.js'
import { NewTemplateSchema, TemplateSchema } from '../../src/schemas/template.js'
import {
  createTemplate, deleteOwnTemplate, getVisibleTemplate, listTemplates
} from '../../src/templates/repository.js'

const toTemplate = (row: TemplateRow) => ({
  id: row.id,
  name: row.name,
  description: row.description,
  prompt_system: row.promptSystem,
  is_default: row.isDefault,
  scope: row.ownerId === null ? 'shared' as const : 'own' as const,
  created_at: row.createdAt.toISOString(),
  updated_at: row.updatedAt.toISOString()
})

const templateRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/templates', {
    schema: {
      tags: ['templates'],
      summary: 'Templates the caller can use: the shared ones (the default first) and their own, a page at a time',
      querystring: Pagination(100),
      response: { 200: Success(Page(TemplateSchema)), ...authErrors }
    }
  }, async function listVisibleTemplates (request) {
    const { page, page_size: pageSize } = request.query
    const { items, total } = await listTemplates(app.db, request.userId, page, pageSize)
    return ok({ items: items.map(toTemplate), page, page_size: pageSize, total })
  })

  app.get('/templates/:id', {
    schema: { tags: ['templates'], summary: 'One template', params: IdParams, response: { 200: Success(TemplateSchema), ...withNotFound } }
  }, async function getTemplate (request) { return ok(toTemplate(await getVisibleTemplate(app.db, request.userId, request.params.id))) })

  app.post('/templates', {
    schema: {
      tags: ['templates'],
      summary: 'Create a template of the caller\'s own (at most TEMPLATES_PER_USER of them)',
      body: NewTemplateSchema,
      response: { 201: Success(TemplateSchema), ...authErrors, ...bodyErrors, 429: ErrorAnswer }
    }
  }, async function createOwnTemplate (request, reply) {
    const { name, description, prompt_system: promptSystem } = request.body
    const row = await createTemplate(app.db, request.userId, { name: name.trim(), description: description ?? '', promptSystem }, app.config.limits.templatesPerUser)
    return reply.code(201).send(ok(toTemplate(row)))
  })

  app.delete('/templates/:id', {
    schema: {
      tags: ['templates'],
      summary: 'Delete one of the caller\'s own templates',
      params: IdParams,
      response: { 200: Success(Deleted), ...withNotFound, 409: ErrorAnswer }
    }
  }, async function deleteTemplate (request) {
    await deleteOwnTemplate(app.db, request.userId, request.params.id)
    return ok({ id: request.params.id, deleted: true as const })
  })
}

export default templateRoutes
