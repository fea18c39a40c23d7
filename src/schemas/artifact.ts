import { Type } from '@sinclair/typebox'
import { OneOf, Timestamp } from './common.js'

export const ARTIFACT_KINDS = ['md', 'hwpx', 'docx'] as const
export type ArtifactKind = typeof ARTIFACT_KINDS[number]

export const ArtifactSchema = Type.Object({
  id: Type.Integer(),
  topic_id: Type.Integer(),
  kind: OneOf(ARTIFACT_KINDS),
  version: Type.Integer(),
  filename: Type.String(),
  size: Type.Integer(),
  sha256: Type.String(),
  content_type: Type.String(),
  download_url: Type.String(),
  created_at: Timestamp
})

/** The newest saved file of one kind, as a topic in the list shows it. */
export const LatestFileSchema = Type.Object({
  id: Type.Integer(),
  kind: OneOf(ARTIFACT_KINDS),
  version: Type.Integer(),
  filename: Type.String(),
  size: Type.Integer(),
  created_at: Timestamp
}, { description: 'The newest saved file of one kind; download it at /api/artifacts/{id}/download' })
