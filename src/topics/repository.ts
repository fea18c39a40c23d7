import { and, count, desc, eq } from 'drizzle-orm'
import type { Database } from '../db/client.js'
import { topics, type PlanSection, type TopicRow } from '../db/schema.js'
import { notFound } from '../errors.js'

export async function getOwnTopic (db: Database, userId: string, id: number): Promise<TopicRow> {
  const [row] = await db.select().from(topics).where(and(eq(topics.id, id), eq(topics.userId, userId)))
  if (!row) throw notFound(`Topic ${id} not found`)
  return row
}

export interface TopicPage {
  items: TopicRow[]
  total: number
}

export async function listOwnTopics (db: Database, userId: string, page: number, pageSize: number): Promise<TopicPage> {
  const [items, [totals]] = await Promise.all([
    db.select().from(topics)
      .where(eq(topics.userId, userId))
      .orderBy(desc(topics.createdAt), desc(topics.id))
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    db.select({ total: count() }).from(topics).where(eq(topics.userId, userId))
  ])
  return { items, total: totals?.total ?? 0 }
}

export interface NewTopic {
  userId: string
  topic: string
  templateId: number | null
  plan?: string
  planSections?: PlanSection[]
}

export async function createTopic (db: Database, input: NewTopic): Promise<TopicRow> {
  const [row] = await db.insert(topics).values(input).returning()
  return row!
}
