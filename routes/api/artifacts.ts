import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { contentDisposition } from '../../src/artifacts/filename.js'
import {
  getOwnArtifact, getOwnArtifactContent, listTopicArtifacts, type ArtifactMeta
} from '../../src/artifacts/repository.js'
import { DOCX_MIME_TYPE } from '../../src/docx/index.js'
import { HWPX_MIME_TYPE } from '../../src/hwpx/index.js'
import { ArtifactSchema } from '../../src/schemas/artifact.js'
import { IdParams, ok, Success } from '../../src/schemas/common.js'
import { withNotFound } from '../../src/schemas/error.js'
import { getOwnTopic } from '../../src/topics/repository.js'

const MEDIA_TYPES = { hwpx: HWPX_MIME_TYPE, docx: DOCX_MIME_TYPE, md: 'text/markdown; charset=utf-8' } as const

const toArtifact = (row: ArtifactMeta) => ({
  id: row.id,
  topic_id: row.topicId,
  kind: row.kind,
  version: row.version,
  filename: row.filename,
  size: row.size,
  sha256: row.sha256,
  content_type: MEDIA_TYPES[row.kind],
  download_url: `/api/artifacts/${row.id}/download`,
  created_at: row.createdAt.toISOString()
})

const artifactRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/topics/:id/artifacts', {
    schema: {
      tags: ['artifacts'],
      summary: 'A topic\'s saved reports, newest version first',
      params: IdParams,
      response: { 200: Success(Type.Array(ArtifactSchema)), ...withNotFound }
    }
  }, async function listArtifactsOfTopic (request) {
    const topic = await getOwnTopic(app.db, request.userId, request.params.id)
    return ok((await listTopicArtifacts(app.db, topic.id)).map(toArtifact))
  })

  app.get('/artifacts/:id', {
    schema: { tags: ['artifacts'], summary: 'One artifact\'s metadata', params: IdParams, response: { 200: Success(ArtifactSchema), ...withNotFound } }
  }, async function getArtifact (request) { return ok(toArtifact(await getOwnArtifact(app.db, request.userId, request.params.id))) })

  app.get('/artifacts/:id/download', {
    schema: {
      tags: ['artifacts'],
      summary: 'Download the file (HWPX, DOCX or Markdown)',
      params: IdParams,
      response: {
        200: {
          description: 'The file; ETag is its sha256',
          content: {
            [HWPX_MIME_TYPE]: { schema: { type: 'string', format: 'binary' } },
            [DOCX_MIME_TYPE]: { schema: { type: 'string', format: 'binary' } },
            'text/markdown': { schema: { type: 'string' } }
          }
        },
        304: { description: 'Not modified (If-None-Match matched the ETag)', type: 'null' },
        ...withNotFound
      }
    }
  }, async function downloadArtifact (request, reply) {
    const artifact = await getOwnArtifactContent(app.db, request.userId, request.params.id)
    const etag = `"${artifact.sha256}"`
    reply.header('etag', etag).header('cache-control', 'private, no-cache')
    const ifNoneMatch = request.headers['if-none-match']
    if (ifNoneMatch && ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)) {
      return reply.code(304).send()
    }
    return reply
      .type(MEDIA_TYPES[artifact.kind])
      .header('content-disposition', contentDisposition(artifact.filename))
      .header('x-content-type-options', 'nosniff')
      .send(Buffer.from(artifact.content.buffer, artifact.content.byteOffset, artifact.content.byteLength))
  })
}

export default artifactRoutes
