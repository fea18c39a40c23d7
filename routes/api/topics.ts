import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ARTIFACT_KINDS, GENERATION_STATUSES, type TopicRow } from '../../src/db/schema.js'
import { deleteOwnTopic, getOwnTopic, listOwnTopics, renameOwnTopic, type LatestFile } from '../../src/topics/repository.js'
import { authErrors, ErrorEnvelope, IdParams, NullableTimestamp, ok, Page, Pagination, Success, Timestamp, withNotFound } from '../schemas.js'

export const PlanSectionSchema = Type.Object({
  title: Type.String(),
  description: Type.String(),
  order: Type.Integer()
})

const LatestFileSchema = Type.Object({
  id: Type.Integer(),
  kind: Type.Union(ARTIFACT_KINDS.map((kind) => Type.Literal(kind))),
  version: Type.Integer(),
  filename: Type.String(),
  size: Type.Integer(),
  created_at: Timestamp
}, { description: 'The newest saved file of one kind; download it at /api/artifacts/{id}/download' })

const TopicSummary = Type.Object({
  id: Type.Integer(),
  topic: Type.String(),
  template_id: Type.Union([Type.Integer(), Type.Null()]),
  status: Type.Union(GENERATION_STATUSES.map((s) => Type.Literal(s))),
  sections_count: Type.Integer(),
  generation_started_at: NullableTimestamp,
  generation_completed_at: NullableTimestamp,
  error_message: Type.Union([Type.String(), Type.Null()]),
  created_at: Timestamp,
  updated_at: Timestamp
})

const TopicListItem = Type.Intersect([TopicSummary, Type.Object({
  latest_version: Type.Union([Type.Integer(), Type.Null()], { description: 'Version of the newest saved report; null before the first' }),
  latest_files: Type.Array(LatestFileSchema)
})])

const TopicDetail = Type.Intersect([TopicSummary, Type.Object({
  plan: Type.Union([Type.String(), Type.Null()]),
  sections: Type.Array(PlanSectionSchema)
})])

const ListQuery = Type.Object({
  ...Pagination(20).properties,
  q: Type.Optional(Type.String({ maxLength: 200, description: 'Only topics whose title contains this text (case-insensitive)' }))
})

const TopicTitle = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S', description: '새 보고서 제목 (앞뒤 공백은 제거됨)' })

const TopicRename = Type.Object({
  topic: TopicTitle
}, { additionalProperties: false, examples: [{ topic: '2026 디지털뱅킹 트렌드 분석 (수정본)' }] })

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

const toDetail = (row: TopicRow) => ({ ...toSummary(row), plan: row.plan, sections: row.planSections ?? [] })

const toFile = ({ createdAt, ...file }: LatestFile) => ({ ...file, created_at: createdAt.toISOString() })

const topicRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/topics', {
    schema: {
      tags: ['topics'],
      summary: 'The caller\'s topics, most recently changed first, optionally searched by title',
      querystring: ListQuery,
      response: {
        200: Success(Page(TopicListItem)),
        ...authErrors
      }
    }
  }, async (request) => {
    const { page, page_size: pageSize, q } = request.query
    const { items, total } = await listOwnTopics(app.db, request.userId, page, pageSize, q?.trim() || undefined)
    return ok({
      items: items.map((item) => ({
        ...toSummary(item),
        latest_version: item.latestFiles[0]?.version ?? null,
        latest_files: item.latestFiles.map(toFile)
      })),
      page,
      page_size: pageSize,
      total
    })
  })

  app.get('/topics/:id', {
    schema: { tags: ['topics'], summary: 'One topic with its plan', params: IdParams, response: { 200: Success(TopicDetail), ...withNotFound } }
  }, async (request) => {
    return ok(toDetail(await getOwnTopic(app.db, request.userId, request.params.id)))
  })

  app.patch('/topics/:id', {
    schema: {
      tags: ['topics'],
      summary: 'Rename a topic (its plan is saved with PUT /api/topics/{id}/plan)',
      params: IdParams,
      body: TopicRename,
      response: { 200: Success(TopicDetail), ...withNotFound }
    }
  }, async (request) => {
    return ok(toDetail(await renameOwnTopic(app.db, request.userId, request.params.id, request.body.topic.trim())))
  })

  app.delete('/topics/:id', {
    schema: {
      tags: ['topics'],
      summary: 'Delete a topic with its saved files (not while its report is being written)',
      params: IdParams,
      response: { 200: Success(Type.Object({ id: Type.Integer(), deleted: Type.Literal(true) })), ...withNotFound, 409: Type.Ref(ErrorEnvelope) }
    }
  }, async (request) => {
    await deleteOwnTopic(app.db, request.userId, request.params.id)
    return ok({ id: request.params.id, deleted: true as const })
  })
}

export default topicRoutes
