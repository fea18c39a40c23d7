import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { TemplateRow } from '../../src/db/schema.js'
import {
  createTemplate, deleteOwnTemplate, getVisibleTemplate, listTemplates
} from '../../src/templates/repository.js'
import { authErrors, ErrorEnvelope, IdParams, ok, Page, Pagination, Success, Timestamp, withNotFound } from '../schemas.js'

const Template = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  description: Type.String(),
  prompt_system: Type.String(),
  is_default: Type.Boolean(),
  scope: Type.Union([Type.Literal('shared'), Type.Literal('own')]),
  created_at: Timestamp,
  updated_at: Timestamp
})

const NewTemplate = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }),
  description: Type.Optional(Type.String({ maxLength: 2000 })),
  prompt_system: Type.String({ minLength: 1, maxLength: 20000, pattern: '\\S' })
}, { additionalProperties: false, examples: [{ name: '시장 분석 보고서', description: '시장 규모와 경쟁 구도 중심', prompt_system: '당신은 시장 분석 전문가입니다…' }] })

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
      response: { 200: Success(Page(Template)), ...authErrors }
    }
  }, async function listVisibleTemplates (request) {
    const { page, page_size: pageSize } = request.query
    const { items, total } = await listTemplates(app.db, request.userId, page, pageSize)
    return ok({ items: items.map(toTemplate), page, page_size: pageSize, total })
  })

  app.get('/templates/:id', {
    schema: { tags: ['templates'], summary: 'One template', params: IdParams, response: { 200: Success(Template), ...withNotFound } }
  }, async function getTemplate (request) { return ok(toTemplate(await getVisibleTemplate(app.db, request.userId, request.params.id))) })

  app.post('/templates', {
    schema: {
      tags: ['templates'],
      summary: 'Create a template of the caller\'s own (at most TEMPLATES_PER_USER of them)',
      body: NewTemplate,
      response: { 201: Success(Template), ...authErrors, 413: Type.Ref(ErrorEnvelope), 429: Type.Ref(ErrorEnvelope) }
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
      response: {
        200: Success(Type.Object({ id: Type.Integer(), deleted: Type.Literal(true) })),
        ...withNotFound,
        409: Type.Ref(ErrorEnvelope)
      }
    }
  }, async function deleteTemplate (request) {
    await deleteOwnTemplate(app.db, request.userId, request.params.id)
    return ok({ id: request.params.id, deleted: true as const })
  })
}

export default templateRoutes
