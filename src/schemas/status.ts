import { Type, type Static } from '@sinclair/typebox'
import { Nullable, NullableTimestamp, OneOf } from './common.js'

/** The states of a generation, from the first event to the last. */
export const GENERATION_STATES = ['generating', 'completed', 'failed', 'cancelled'] as const
export type GenerationState = typeof GENERATION_STATES[number]

/** A topic's status: `planned` until its report is first generated, then its latest generation's state. */
export const TOPIC_STATUSES = ['planned', ...GENERATION_STATES] as const
export type TopicStatus = typeof TOPIC_STATUSES[number]

export const TopicStatusSchema = OneOf(TOPIC_STATUSES)

/** What /status and /cancel answer, and what every status stream event is made from, with UTC ISO-8601 times. */
export const StatusSchema = Type.Object({
  topic_id: Type.Integer(),
  status: OneOf(GENERATION_STATES, {
    description: '`generating` also while the report waits for a worker (0 %, current_step says so); `cancelled` after POST /cancel'
  }),
  progress_percent: Type.Integer({ minimum: 0, maximum: 100 }),
  current_step: Nullable(Type.String()),
  started_at: NullableTimestamp,
  estimated_completion: NullableTimestamp,
  artifact_id: Nullable(Type.Integer()),
  completed_at: NullableTimestamp,
  error_message: Nullable(Type.String())
}, { $id: 'GenerationStatus' })

export type StatusSnapshot = Static<typeof StatusSchema>

/*
 * The status stream's messages: unnamed SSE events whose JSON says what happened in `event`,
 * so that a browser's `onmessage` sees them all.
 */

/** A step of a running generation (`id:` is its sequence number in the topic's event log). */
export const StatusUpdateEventSchema = Type.Object({
  event: Type.Literal('status_update'),
  topic_id: Type.Integer(),
  status: Type.Literal('generating'),
  progress_percent: StatusSchema.properties.progress_percent,
  current_step: StatusSchema.properties.current_step,
  estimated_completion: StatusSchema.properties.estimated_completion
})
export type StatusUpdateEvent = Static<typeof StatusUpdateEventSchema>

/** The last event of a generation, whichever way it ended. */
export const CompletionEventSchema = Type.Object({
  event: Type.Literal('completion'),
  topic_id: Type.Integer(),
  status: OneOf(GENERATION_STATES.filter((state) => state !== 'generating') as Array<Exclude<GenerationState, 'generating'>>),
  progress_percent: StatusSchema.properties.progress_percent,
  artifact_id: StatusSchema.properties.artifact_id,
  error_message: StatusSchema.properties.error_message
})
export type CompletionEvent = Static<typeof CompletionEventSchema>

/** A piece of the report's Markdown (`?include=text`): sent without an id; offset 0 starts the text over. */
export const ReportTextEventSchema = Type.Object({
  event: Type.Literal('report_text'),
  topic_id: Type.Integer(),
  offset: Type.Integer({ minimum: 0, description: 'UTF-16 offset of `text` in the Markdown' }),
  text: Type.String()
})
export type ReportTextEvent = Static<typeof ReportTextEventSchema>

export const StatusStreamEventSchema = Type.Union([StatusUpdateEventSchema, CompletionEventSchema, ReportTextEventSchema])
export type StatusStreamEvent = Static<typeof StatusStreamEventSchema>
