import { and, eq, sql } from 'drizzle-orm'
import type { Database } from '../db/client.js'
import { topics, type TopicRow } from '../db/schema.js'
import { AppError, conflict, topicNotFound } from '../errors.js'
import type { PlanDraft } from '../schemas/plan.js'
import { parsePlanMarkdown, readPlan } from './plan-markdown.js'
import type { SectionDescription } from './plan-refinement.js'

export const draftOf = (row: Pick<TopicRow, 'id' | 'planVersion' | 'plan' | 'planSections'>): PlanDraft => ({
  topic_id: row.id,
  version: row.planVersion,
  plan: row.plan ?? '',
  sections: row.planSections ?? []
})

/**
 * The user's plan, saved as written: it is what a later description from the model must not
 * overwrite. A topic whose report is being written keeps the plan it is being written from.
 */
export async function saveUserPlan (db: Database, userId: string, topicId: number, plan: string): Promise<PlanDraft> {
  const { sections } = parsePlanMarkdown(plan)
  if (sections.length === 0) {
    throw new AppError('VALIDATION_ERROR', '계획에 섹션이 없습니다. `## 섹션 제목` 줄을 하나 이상 넣어 주세요.')
  }
  const [row] = await db.update(topics)
    .set({ plan, planSections: sections, planVersion: sql`${topics.planVersion} + 1`, updatedAt: sql`now()` })
    .where(and(eq(topics.id, topicId), eq(topics.userId, userId), sql`${topics.status} <> 'generating'`))
    .returning()
  if (row) return draftOf(row)
  const [existing] = await db.select({ id: topics.id }).from(topics).where(and(eq(topics.id, topicId), eq(topics.userId, userId)))
  if (!existing) throw topicNotFound(topicId)
  throw conflict('보고서를 생성하는 중에는 계획을 고칠 수 없습니다. 생성이 끝난 뒤 다시 시도해 주세요.')
}

/**
 * Puts each description under the heading of the section it was written for, if that section
 * is still as the model left it: same title, no text yet. A section the user renamed or wrote
 * text for — or moved, added or deleted — is the user's, and stays exactly as they saved it.
 * Edits the Markdown in place, so anything else the user wrote there survives too.
 */
export function fillDescriptions (plan: string, descriptions: SectionDescription[]): string {
  const pending = new Map(descriptions.map((item) => [item.title, item.description]))
  const insertions: Array<{ offset: number, text: string }> = []
  for (const section of readPlan(plan).sections) {
    const description = pending.get(section.title)
    if (description === undefined || section.opensWithText) continue
    pending.delete(section.title)
    insertions.push({ offset: section.headingEnd, text: `\n\n${description}` })
  }
  let result = plan
  for (const { offset, text } of insertions.reverse()) result = result.slice(0, offset) + text + result.slice(offset)
  return result
}

/**
 * Saves the model's descriptions into the topic's plan (see fillDescriptions), in one
 * transaction with the row locked, so a user's save cannot fall between the read and the write.
 * Once the report is being written from the plan, the plan is left alone. Answers the draft as
 * it now stands.
 */
export async function mergeModelDescriptions (db: Database, topicId: number, descriptions: SectionDescription[]): Promise<PlanDraft | undefined> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(topics).where(eq(topics.id, topicId)).for('update')
    if (!row) return undefined
    if (row.status !== 'planned' || !row.plan) return draftOf(row)
    const plan = fillDescriptions(row.plan, descriptions)
    if (plan === row.plan) return draftOf(row)
    const [saved] = await tx.update(topics)
      .set({ plan, planSections: parsePlanMarkdown(plan).sections, planVersion: row.planVersion + 1, updatedAt: sql`now()` })
      .where(eq(topics.id, topicId))
      .returning()
    return draftOf(saved!)
  })
}
