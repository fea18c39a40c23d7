import { and, asc, desc, eq, isNull, or } from 'drizzle-orm'
import type { Database } from '../db/client.js'
import { templates, type TemplateRow } from '../db/schema.js'
import { AppError, notFound } from '../errors.js'

const visibleTo = (userId: string) => or(isNull(templates.ownerId), eq(templates.ownerId, userId))

export async function listTemplates (db: Database, userId: string): Promise<TemplateRow[]> {
  return db.select().from(templates)
    .where(visibleTo(userId))
    .orderBy(desc(templates.isDefault), asc(templates.id))
}

/** Shared templates and the caller's own; anything else is reported exactly like a missing id. */
export async function getVisibleTemplate (db: Database, userId: string, id: number): Promise<TemplateRow> {
  const [row] = await db.select().from(templates).where(and(eq(templates.id, id), visibleTo(userId)))
  if (!row) throw notFound(`Template ${id} not found`)
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

export async function createTemplate (db: Database, userId: string, input: NewTemplate): Promise<TemplateRow> {
  const [row] = await db.insert(templates).values({ ...input, ownerId: userId, isDefault: false }).returning()
  return row!
}

export async function deleteOwnTemplate (db: Database, userId: string, id: number): Promise<void> {
  const template = await getVisibleTemplate(db, userId, id)
  if (template.ownerId === null) {
    throw new AppError('CONFLICT', `Template ${id} is shared by everyone and cannot be deleted`)
  }
  await db.delete(templates).where(and(eq(templates.id, id), eq(templates.ownerId, userId)))
}
