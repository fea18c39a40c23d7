import { and, asc, count, desc, eq, isNull, or, sql } from 'drizzle-orm'
import type { Database } from '../db/client.js'
import { templates, type TemplateRow } from '../db/schema.js'
import { AppError, templateNotFound } from '../errors.js'

const visibleTo = (userId: string) => or(isNull(templates.ownerId), eq(templates.ownerId, userId))

export interface TemplatePage {
  items: TemplateRow[]
  total: number
}

/** The default first, then shared and own templates in the order they were made. */
export async function listTemplates (db: Database, userId: string, page: number, pageSize: number): Promise<TemplatePage> {
  const [items, [totals]] = await Promise.all([
    db.select().from(templates)
      .where(visibleTo(userId))
      .orderBy(desc(templates.isDefault), asc(templates.id))
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    db.select({ total: count() }).from(templates).where(visibleTo(userId))
  ])
  return { items, total: totals?.total ?? 0 }
}

/** Shared templates and the caller's own; anything else is reported exactly like a missing id. */
export async function getVisibleTemplate (db: Database, userId: string, id: number): Promise<TemplateRow> {
  const [row] = await db.select().from(templates).where(and(eq(templates.id, id), visibleTo(userId)))
  if (!row) throw templateNotFound(id)
  return row
}

export async function getDefaultTemplate (db: Database): Promise<TemplateRow> {
  const [row] = await db.select().from(templates).where(eq(templates.isDefault, true))
  if (!row) throw new Error('No default template: the seed migration has not been applied')
  return row
}

/** The template a plan or report should follow: the named one, or the shared default. */
export async function resolveTemplate (db: Database, userId: string, id: number | null | undefined): Promise<TemplateRow> {
  return id == null ? getDefaultTemplate(db) : getVisibleTemplate(db, userId, id)
}

export interface NewTemplate {
  name: string
  description: string
  promptSystem: string
}

/**
 * Saves a template of the user's own, unless they already have `maxOwn`. The count and the insert
 * run under a per-user transaction lock, so simultaneous requests (on any replica) cannot pass
 * the cap together.
 */
export async function createTemplate (db: Database, userId: string, input: NewTemplate, maxOwn: number): Promise<TemplateRow> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`templates:${userId}`}))`)
    const [owned] = await tx.select({ total: count() }).from(templates).where(eq(templates.ownerId, userId))
    if ((owned?.total ?? 0) >= maxOwn) {
      throw new AppError('RATE_LIMITED', `템플릿은 한 사람당 ${maxOwn}개까지 만들 수 있습니다. 쓰지 않는 템플릿을 지운 뒤 다시 만들어 주세요.`, {
        hint: 'Delete one of your templates (DELETE /api/templates/:id) first'
      })
    }
    const [row] = await tx.insert(templates).values({ ...input, ownerId: userId, isDefault: false }).returning()
    return row!
  })
}

export async function deleteOwnTemplate (db: Database, userId: string, id: number): Promise<void> {
  const template = await getVisibleTemplate(db, userId, id)
  if (template.ownerId === null) {
    throw new AppError('CONFLICT', `${id}번 템플릿은 모두가 함께 쓰는 템플릿이라 지울 수 없습니다. 직접 만든 템플릿만 지울 수 있습니다.`)
  }
  await db.delete(templates).where(and(eq(templates.id, id), eq(templates.ownerId, userId)))
}
