import { sql, type SQL } from 'drizzle-orm'
import {
  type AnyPgColumn, boolean, check, customType, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, varchar
} from 'drizzle-orm/pg-core'
import { ARTIFACT_KINDS } from '../schemas/artifact.js'
import type { PlanSection } from '../schemas/plan.js'
import { TOPIC_STATUSES } from '../schemas/status.js'

/** drizzle has no built-in bytea; both postgres.js and PGlite hand binary columns back as Uint8Array/Buffer. */
const bytea = customType<{ data: Uint8Array, driverData: Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
})

/** A check that a text column holds one of the words of its list, spelled from the list itself. */
const oneOf = (column: SQL | AnyPgColumn, values: readonly string[]) =>
  sql`${column} in (${sql.raw(values.map((value) => `'${value}'`).join(', '))})`

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()

export type { ArtifactKind } from '../schemas/artifact.js'
export type { PlanSection } from '../schemas/plan.js'
export type { TopicStatus as GenerationStatus } from '../schemas/status.js'

export const AI_PURPOSES = ['plan', 'generate'] as const
export type AiPurpose = typeof AI_PURPOSES[number]

export const templates = pgTable('templates', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  ownerId: text('owner_id'),
  name: varchar('name', { length: 100 }).notNull(),
  description: text('description').notNull().default(''),
  promptSystem: text('prompt_system').notNull(),
  isDefault: boolean('is_default').notNull().default(false),
  createdAt: createdAt(),
  updatedAt: updatedAt()
}, (table) => [
  index('templates_owner_id_idx').on(table.ownerId),
  uniqueIndex('templates_single_default_idx').on(table.isDefault).where(sql`${table.isDefault}`)
])

export const topics = pgTable('topics', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  userId: text('user_id').notNull(),
  topic: varchar('topic', { length: 200 }).notNull(),
  templateId: integer('template_id').references(() => templates.id, { onDelete: 'set null' }),
  plan: text('plan'),
  planSections: jsonb('plan_sections').$type<PlanSection[]>(),
  /** Goes up with every save of the plan draft (the user's edits and the model's later descriptions). */
  planVersion: integer('plan_version').notNull().default(1),
  status: text('status', { enum: TOPIC_STATUSES }).notNull().default('planned'),
  generationStartedAt: timestamp('generation_started_at', { withTimezone: true }),
  generationCompletedAt: timestamp('generation_completed_at', { withTimezone: true }),
  generationError: text('generation_error'),
  /** The pg-boss job of the current run: every write of a run is guarded by it, so a stale run writes nothing. */
  generationJobId: text('generation_job_id'),
  /** 0 while the run waits in the queue, then the attempt being written (1, 2, 3 …). */
  generationAttempt: integer('generation_attempt').notNull().default(0),
  /** The last seq of the topic's event log; bumped under the row lock, so seqs never collide across replicas. */
  eventSeq: integer('event_seq').notNull().default(0),
  createdAt: createdAt(),
  updatedAt: updatedAt()
}, (table) => [
  index('topics_user_id_created_at_idx').on(table.userId, table.createdAt.desc(), table.id.desc()),
  index('topics_template_id_idx').on(table.templateId),
  index('topics_generating_idx').on(table.status).where(sql`${table.status} = 'generating'`),
  check('topics_status_check', oneOf(table.status, TOPIC_STATUSES))
])

/**
 * Every status change of a generation, per topic in seq order: the source /status and the streams
 * are fed from on every replica, and where a reconnecting client resumes (SSE id = seq).
 */
export const generationEvents = pgTable('generation_events', {
  topicId: integer('topic_id').notNull().references(() => topics.id, { onDelete: 'cascade' }),
  seq: integer('seq').notNull(),
  event: jsonb('event').notNull(),
  createdAt: createdAt()
}, (table) => [
  primaryKey({ columns: [table.topicId, table.seq] })
])

/** Answers to /generate requests that carried an Idempotency-Key, replayed for the same key and body. */
export const idempotencyKeys = pgTable('idempotency_keys', {
  userId: text('user_id').notNull(),
  key: varchar('key', { length: 255 }).notNull(),
  fingerprint: varchar('fingerprint', { length: 64 }).notNull(),
  statusCode: integer('status_code').notNull(),
  response: jsonb('response').notNull(),
  createdAt: createdAt()
}, (table) => [
  primaryKey({ columns: [table.userId, table.key] }),
  index('idempotency_keys_created_at_idx').on(table.createdAt)
])

export const artifacts = pgTable('artifacts', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  topicId: integer('topic_id').notNull().references(() => topics.id, { onDelete: 'cascade' }),
  kind: text('kind', { enum: ARTIFACT_KINDS }).notNull(),
  version: integer('version').notNull(),
  filename: text('filename').notNull(),
  content: bytea('content').notNull(),
  size: integer('size').notNull(),
  sha256: varchar('sha256', { length: 64 }).notNull(),
  createdAt: createdAt()
}, (table) => [
  uniqueIndex('artifacts_topic_kind_version_idx').on(table.topicId, table.kind, table.version),
  check('artifacts_kind_check', oneOf(table.kind, ARTIFACT_KINDS))
])

export const aiUsage = pgTable('ai_usage', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  topicId: integer('topic_id').notNull().references(() => topics.id, { onDelete: 'cascade' }),
  purpose: text('purpose', { enum: AI_PURPOSES }).notNull(),
  model: text('model').notNull(),
  inputTokens: integer('input_tokens').notNull(),
  outputTokens: integer('output_tokens').notNull(),
  latencyMs: integer('latency_ms').notNull(),
  createdAt: createdAt()
}, (table) => [
  index('ai_usage_topic_id_idx').on(table.topicId),
  check('ai_usage_purpose_check', oneOf(table.purpose, AI_PURPOSES))
])

export type TemplateRow = typeof templates.$inferSelect
export type TopicRow = typeof topics.$inferSelect
export type ArtifactRow = typeof artifacts.$inferSelect
