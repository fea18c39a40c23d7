import { Type, type Static } from '@sinclair/typebox'
import { TemplateIdSchema } from './template.js'

/** One `##` section of a plan: its title and the first paragraph under it. */
export const PlanSectionSchema = Type.Object({
  title: Type.String(),
  description: Type.String(),
  order: Type.Integer()
})
export type PlanSection = Static<typeof PlanSectionSchema>

/** The topic a user asks a report about. */
export const TopicTextSchema = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S', description: '보고서 주제 (앞뒤 공백은 제거됨)' })

/** The plan as the page's editor shows it: read by the service, so that no client has to parse the Markdown. */
export const PlanOutlineSchema = Type.Object({
  title: Type.String({ description: 'The plan\'s `#` title; empty when it has none' }),
  sections: Type.Array(Type.Object({
    title: Type.String(),
    body: Type.String({ description: 'Everything under the `##` heading up to the next section: description, key points, subheadings' })
  }))
})
export type PlanOutline = Static<typeof PlanOutlineSchema>

const PlanMarkdown = Type.String({ description: 'Markdown: `# 제목`, then one `##` per section' })

export const PlanRequestSchema = Type.Object({
  topic: TopicTextSchema,
  template_id: Type.Optional(TemplateIdSchema)
}, { additionalProperties: false, examples: [{ topic: '2026 디지털뱅킹 트렌드 분석', template_id: 1 }] })

export const PlanSourceSchema = Type.Union([Type.Literal('llm'), Type.Literal('template')], {
  description: '"template" when the outline came from the template because Claude was unavailable, slow or wrong'
})
export type PlanSource = Static<typeof PlanSourceSchema>

export const PlanResponseSchema = Type.Object({
  topic_id: Type.Integer(),
  plan: PlanMarkdown,
  sections: Type.Array(PlanSectionSchema),
  outline: PlanOutlineSchema,
  estimated_sections_count: Type.Integer(),
  source: PlanSourceSchema,
  plan_version: Type.Integer({ description: 'The draft\'s version; every later save (yours or the model\'s) raises it' }),
  refining: Type.Boolean({
    description: 'true while Claude is still writing the sections\' descriptions: they are saved into the draft as they ' +
      'are finished (never over your edits) and sent on `GET /api/topics/{topic_id}/plan/stream`'
  })
})
export type PlanResponse = Static<typeof PlanResponseSchema>

/** The topic's saved plan: every save — the user's or the model's — gets the next version. */
export const PlanDraftSchema = Type.Object({
  topic_id: Type.Integer(),
  version: Type.Integer({ description: 'Raised by every save of the draft, the user\'s or the model\'s' }),
  plan: PlanMarkdown,
  sections: Type.Array(PlanSectionSchema)
})
export type PlanDraft = Static<typeof PlanDraftSchema>

export const SavePlanRequestSchema = Type.Object({
  plan: Type.String({ minLength: 1, maxLength: 50_000, description: 'The edited plan as Markdown (`# 제목`, `## 섹션` + its text)' })
}, { additionalProperties: false, examples: [{ plan: '# 2026 디지털뱅킹 트렌드 분석\n\n## 요약\n\n핵심 결론\n\n## 시장 분석\n' }] })

/*
 * The plan stream's messages (GET /api/topics/{id}/plan/stream): unnamed SSE events whose JSON
 * says what they are in `event`.
 */

/** The saved draft; `refining: false` is the last event of a stream. */
export const PlanDraftEventSchema = Type.Composite([Type.Object({ event: Type.Literal('plan'), refining: Type.Boolean() }), PlanDraftSchema])
export type PlanDraftEvent = Static<typeof PlanDraftEventSchema>

/** A description the model has just written for one section (not yet saved). */
export const PlanSectionEventSchema = Type.Object({
  event: Type.Literal('section'),
  topic_id: Type.Integer(),
  index: Type.Integer({ minimum: 0 }),
  title: Type.String(),
  description: Type.String()
})
export type PlanSectionEvent = Static<typeof PlanSectionEventSchema>

export const PlanStreamEventSchema = Type.Union([PlanDraftEventSchema, PlanSectionEventSchema])
export type PlanStreamEvent = Static<typeof PlanStreamEventSchema>
