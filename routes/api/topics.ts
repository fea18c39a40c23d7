import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { TopicRow } from '../../src/db/schema.js'
import { getOwnTopic, listOwnTopics } from '../../src/topics/repository.js'
import { authErrors, IdParams, NullableTimestamp, ok, Page, Pagination, Success, Timestamp, withNotFound } from '../schemas.js'

export const PlanSectionSchema = Type.Object({
  title: Type.String(),
  description: Type.String(),
  order: Type.Integer()
})

const TopicSummary = Type.Object({
  id: Type.Integer(),
  topic: Type.String(),
  template_id: Type.Union([Type.Integer(), Type.Null()]),
  status: Type.Union(['planned', 'generating', 'completed', 'failed'].map((s) => Type.Literal(s))),
  sections_count: Type.Integer(),
  generation_started_at: NullableTimestamp,
  generation_completed_at: NullableTimestamp,
  error_message: Type.Union([Type.String(), Type.Null()]),
  created_at: Timestamp,
  updated_at: Timestamp
})

const TopicDetail = Type.Intersect([TopicSummary, Type.Object({
  plan: Type.Union([Type.String(), Type.Null()]),
  sections: Type.Array(PlanSectionSchema)
})])

const iso = (value: Date | null) => value?.toISOString() ?? null

const toSummary = (row: TopicRow) => ({
  id: row.id,
  topic: row.topic,
  template_id: row.templateId,
  status: row.status,
  sections_count: row.planSections?.length ?? 0,
  generation_started_at: iso(row.generationStartedAt),
  generation_completed_at: iso(row.generationCompletedAt),
  error_message: row.generationError,
  created_at: row.createdAt.toISOString(),
  updated_at: row.updatedAt.toISOString()
})

const topicRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/topics', {
    schema: {
      tags: ['topics'],
      summary: 'The caller\'s topics, newest first',
      querystring: Pagination(20),
      response: {
        200: Success(Page(TopicSummary)),
        ...authErrors
      }
    }
  }, async (request) => {
    const { page, page_size: pageSize } = request.query
    const { items, total } = await listOwnTopics(app.db, request.userId, page, pageSize)
    return ok({ items: items.map(toSummary), page, page_size: pageSize, total })
  })

  app.get('/topics/:id', {
    schema: { tags: ['topics'], summary: 'One topic with its plan', params: IdParams, response: { 200: Success(TopicDetail), ...withNotFound } }
  }, async (request) => {
    const row = await getOwnTopic(app.db, request.userId, request.params.id)
    return ok({ ...toSummary(row), plan: row.plan, sections: row.planSections ?? [] })
  })
}

export default topicRoutes
