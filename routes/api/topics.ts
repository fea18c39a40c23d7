import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { TopicRow } from '../../src/db/schema.js'
import { outlineOf } from '../../src/planning/plan-markdown.js'
import { Deleted, IdParams, ok, Page, Success } from '../../src/schemas/common.js'
import { authErrors, bodyErrors, ErrorAnswer, withNotFound } from '../../src/schemas/error.js'
import { TopicDetailSchema, TopicListItemSchema, TopicListQuerySchema, TopicRenameSchema } from '../../src/schemas/topic.js'
import { deleteOwnTopic, getOwnTopic, listOwnTopics, renameOwnTopic, type LatestFile } from '../../src/topics/repository.js'

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

const toDetail = (row: TopicRow) => ({
  ...toSummary(row),
  plan: row.plan,
  sections: row.planSections ?? [],
  outline: outlineOf(row.plan, row.planSections ?? [])
})

const toFile = ({ createdAt, ...file }: LatestFile) => ({ ...file, created_at: createdAt.toISOString() })

const topicRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/topics', {
    schema: {
      tags: ['topics'],
      summary: 'The caller\'s topics, most recently changed first, optionally searched by title',
      querystring: TopicListQuerySchema,
      response: {
        200: Success(Page(TopicListItemSchema)),
        ...authErrors
      }
    }
  }, async function listTopics (request) {
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
    schema: { tags: ['topics'], summary: 'One topic with its plan', params: IdParams, response: { 200: Success(TopicDetailSchema), ...withNotFound } }
  }, async function getTopic (request) {
    return ok(toDetail(await getOwnTopic(app.db, request.userId, request.params.id)))
  })

  app.patch('/topics/:id', {
    schema: {
      tags: ['topics'],
      summary: 'Rename a topic (its plan is saved with PUT /api/topics/{id}/plan)',
      params: IdParams,
      body: TopicRenameSchema,
      response: { 200: Success(TopicDetailSchema), ...withNotFound, ...bodyErrors }
    }
  }, async function renameTopic (request) {
    return ok(toDetail(await renameOwnTopic(app.db, request.userId, request.params.id, request.body.topic.trim())))
  })

  app.delete('/topics/:id', {
    schema: {
      tags: ['topics'],
      summary: 'Delete a topic with its saved files (not while its report is being written)',
      params: IdParams,
      response: { 200: Success(Deleted), ...withNotFound, 409: ErrorAnswer }
    }
  }, async function deleteTopic (request) {
    await deleteOwnTopic(app.db, request.userId, request.params.id)
    // The status of its last run answers /status from memory, on every replica; a deleted topic has none.
    await app.generator.lifecycle.deleted(request.params.id)
    return ok({ id: request.params.id, deleted: true as const })
  })
}

export default topicRoutes
