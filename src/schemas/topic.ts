import { Type } from '@sinclair/typebox'
import { LatestFileSchema } from './artifact.js'
import { Nullable, NullableTimestamp, Pagination, Timestamp } from './common.js'
import { PlanOutlineSchema, PlanSectionSchema } from './plan.js'
import { TopicStatusSchema } from './status.js'

export const TopicSummarySchema = Type.Object({
  id: Type.Integer(),
  topic: Type.String(),
  template_id: Nullable(Type.Integer()),
  status: TopicStatusSchema,
  sections_count: Type.Integer(),
  generation_started_at: NullableTimestamp,
  generation_completed_at: NullableTimestamp,
  error_message: Nullable(Type.String()),
  created_at: Timestamp,
  updated_at: Timestamp
})

export const TopicListItemSchema = Type.Intersect([TopicSummarySchema, Type.Object({
  latest_version: Type.Union([Type.Integer(), Type.Null()], { description: 'Version of the newest saved report; null before the first' }),
  latest_files: Type.Array(LatestFileSchema)
})])

export const TopicDetailSchema = Type.Intersect([TopicSummarySchema, Type.Object({
  plan: Nullable(Type.String()),
  sections: Type.Array(PlanSectionSchema),
  outline: PlanOutlineSchema
})])

export const TopicListQuerySchema = Type.Object({
  ...Pagination(20).properties,
  q: Type.Optional(Type.String({ maxLength: 200, description: 'Only topics whose title contains this text (case-insensitive)' }))
})

export const TopicRenameSchema = Type.Object({
  topic: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S', description: '새 보고서 제목 (앞뒤 공백은 제거됨)' })
}, { additionalProperties: false, examples: [{ topic: '2026 디지털뱅킹 트렌드 분석 (수정본)' }] })
