import { and, asc, count, desc, eq, ilike, inArray, ne, sql } from 'drizzle-orm'
import type { Database } from '../db/client.js'
import { artifacts, topics, type TopicRow } from '../db/schema.js'
import { conflict, topicNotFound } from '../errors.js'
import type { ArtifactKind } from '../schemas/artifact.js'
import type { PlanSection } from '../schemas/plan.js'

export const GENERATING_CONFLICT_MESSAGE = '보고서를 작성하는 중이라 지금은 할 수 없습니다. 작성이 끝나거나 취소한 뒤 다시 시도해 주세요.'

export async function getOwnTopic (db: Database, userId: string, id: number): Promise<TopicRow> {
  const [row] = await db.select().from(topics).where(and(eq(topics.id, id), eq(topics.userId, userId)))
  if (!row) throw topicNotFound(id)
  return row
}

/** The newest saved file of one kind, enough for a direct download from the list. */
export interface LatestFile {
  id: number
  kind: ArtifactKind
  version: number
  filename: string
  size: number
  createdAt: Date
}

export interface TopicListItem extends TopicRow {
  latestFiles: LatestFile[]
}

export interface TopicPage {
  items: TopicListItem[]
  total: number
}

/** LIKE treats `%` and `_` as wildcards; a search for "10%" means the text itself. */
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

export async function listOwnTopics (
  db: Database, userId: string, page: number, pageSize: number, search?: string
): Promise<TopicPage> {
  const where = search
    ? and(eq(topics.userId, userId), ilike(topics.topic, likePattern(search)))
    : eq(topics.userId, userId)
  const [rows, [totals]] = await Promise.all([
    db.select().from(topics)
      .where(where)
      .orderBy(desc(topics.updatedAt), desc(topics.id))
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    db.select({ total: count() }).from(topics).where(where)
  ])
  const files = await latestFilesOf(db, rows.map((row) => row.id))
  return { items: rows.map((row) => ({ ...row, latestFiles: files.get(row.id) ?? [] })), total: totals?.total ?? 0 }
}

/** Each topic's newest version of each kind of file, in one query for the whole page. */
async function latestFilesOf (db: Database, topicIds: number[]): Promise<Map<number, LatestFile[]>> {
  const byTopic = new Map<number, LatestFile[]>()
  if (topicIds.length === 0) return byTopic
  const rows = await db.selectDistinctOn([artifacts.topicId, artifacts.kind], {
    topicId: artifacts.topicId,
    id: artifacts.id,
    kind: artifacts.kind,
    version: artifacts.version,
    filename: artifacts.filename,
    size: artifacts.size,
    createdAt: artifacts.createdAt
  }).from(artifacts)
    .where(inArray(artifacts.topicId, topicIds))
    .orderBy(asc(artifacts.topicId), asc(artifacts.kind), desc(artifacts.version))
  for (const { topicId, ...file } of rows) {
    const list = byTopic.get(topicId) ?? []
    list.push(file)
    byTopic.set(topicId, list)
  }
  return byTopic
}

export interface NewTopic {
  userId: string
  topic: string
  templateId: number | null
  plan?: string
  planSections?: PlanSection[]
}

export async function createTopic (db: Pick<Database, 'insert'>, input: NewTopic): Promise<TopicRow> {
  const [row] = await db.insert(topics).values(input).returning()
  return row!
}

/**
 * A new plan for a topic: planning the same topic again while it is still an unwritten draft
 * (status `planned`) replaces that draft's plan instead of adding a second row, so the list
 * holds each report once. The advisory lock makes two simultaneous clicks land on one row.
 */
export async function savePlanDraft (db: Database, input: NewTopic & { plan: string, planSections: PlanSection[] }): Promise<TopicRow> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`plan:${input.userId}:${input.topic}`}))`)
    const [draft] = await tx.select({ id: topics.id }).from(topics)
      .where(and(eq(topics.userId, input.userId), eq(topics.topic, input.topic), eq(topics.status, 'planned')))
      .orderBy(desc(topics.updatedAt), desc(topics.id))
      .limit(1)
    if (!draft) return createTopic(tx, input)
    const [row] = await tx.update(topics)
      .set({
        templateId: input.templateId,
        plan: input.plan,
        planSections: input.planSections,
        planVersion: sql`${topics.planVersion} + 1`,
        updatedAt: new Date()
      })
      .where(eq(topics.id, draft.id))
      .returning()
    return row!
  })
}

/** Renames a topic, whatever its state: the name is not part of a report being written. */
export async function renameOwnTopic (db: Database, userId: string, id: number, topic: string): Promise<TopicRow> {
  const [row] = await db.update(topics).set({ topic, updatedAt: new Date() })
    .where(and(eq(topics.id, id), eq(topics.userId, userId)))
    .returning()
  if (!row) throw topicNotFound(id)
  return row
}

/** Deletes a topic with its files and usage records; never one whose report is being written. */
export async function deleteOwnTopic (db: Database, userId: string, id: number): Promise<void> {
  const deleted = await db.delete(topics)
    .where(and(eq(topics.id, id), eq(topics.userId, userId), ne(topics.status, 'generating')))
    .returning({ id: topics.id })
  if (deleted.length > 0) return
  await getOwnTopic(db, userId, id)
  throw conflict(GENERATING_CONFLICT_MESSAGE)
}
