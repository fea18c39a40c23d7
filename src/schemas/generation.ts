import { Type, type Static } from '@sinclair/typebox'
import { IDEMPOTENCY_KEY_PATTERN } from '../generation/idempotency.js'
import { TemplateIdSchema } from './template.js'
import { TopicTextSchema } from './plan.js'

export const GenerateRequestSchema = Type.Object({
  topic: TopicTextSchema,
  plan: Type.String({ minLength: 1, maxLength: 50_000, pattern: '\\S', description: 'The approved (possibly edited) plan Markdown from /plan' }),
  template_id: Type.Optional(TemplateIdSchema),
  topic_id: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647, description: 'The topic /plan created; without it a new topic is made' }))
}, {
  additionalProperties: false,
  examples: [{ topic: '2026 디지털뱅킹 트렌드 분석', plan: '# 2026 디지털뱅킹 트렌드 분석\n\n## 요약\n\n핵심 결론\n', template_id: 1, topic_id: 1 }]
})

export const GenerateHeadersSchema = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ pattern: IDEMPOTENCY_KEY_PATTERN, description: 'A unique key per intended generation (e.g. a UUID)' }))
})

export const GenerateResponseSchema = Type.Object({
  topic_id: Type.Integer(),
  status: Type.Literal('generating'),
  message: Type.String(),
  status_check_url: Type.String(),
  stream_url: Type.String()
})

/** The 202 body; a repeat with its Idempotency-Key gets it rebuilt from the stored topic id. */
export type GenerateAnswer = { success: true, data: Static<typeof GenerateResponseSchema> }
