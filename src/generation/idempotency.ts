import { createHash } from 'node:crypto'
import { and, eq, lt, sql } from 'drizzle-orm'
import type { Database } from '../db/client.js'
import { idempotencyKeys } from '../db/schema.js'
import { AppError } from '../errors.js'

type Executor = Pick<Database, 'select' | 'insert'>

/** What a key's first request started. */
export interface RecordedStart {
  topicId: number
}

/** The first request was answered 202 Accepted; the row keeps that beside what it started. */
const ACCEPTED = 202

/** Rows written before the route shaped its own answers hold the whole 202 body. */
const topicIdOf = (response: unknown): number => {
  const recorded = response as { topic_id?: number, data?: { topic_id: number } }
  return recorded.topic_id ?? recorded.data!.topic_id
}

/** Keys are opaque to us, but bounded and printable (the draft leaves the format to the server). */
export const IDEMPOTENCY_KEY_PATTERN = '^[\\x21-\\x7E]{1,255}$'

/** The same request body always gives the same fingerprint, whatever the order of its keys. */
export function fingerprint (body: unknown): string {
  const canonical = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(canonical)
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical((value as Record<string, unknown>)[key])]))
    }
    return value
  }
  return createHash('sha256').update(JSON.stringify(canonical(body))).digest('hex')
}

const mismatch = () => new AppError('IDEMPOTENCY_KEY_REUSED',
  '이 Idempotency-Key는 다른 요청 본문에 이미 쓰였습니다. 다른 요청에는 새 Idempotency-Key를 보내 주세요.', {
    hint: 'Use a new Idempotency-Key for a different request'
  })

/**
 * What the key's first request started, if the record is still fresh: the same body gets it again,
 * another body is a 422 (draft-ietf-httpapi-idempotency-key-header §2.7).
 */
export async function replay (db: Executor, userId: string, key: string, print: string, ttlMs: number): Promise<RecordedStart | undefined> {
  const [row] = await db.select().from(idempotencyKeys).where(and(
    eq(idempotencyKeys.userId, userId),
    eq(idempotencyKeys.key, key),
    sql`${idempotencyKeys.createdAt} > now() - make_interval(secs => ${ttlMs / 1000})`))
  if (!row) return undefined
  if (row.fingerprint !== print) throw mismatch()
  return { topicId: topicIdOf(row.response) }
}

/**
 * Records what the request started, in the transaction that did the work. Returns false if another
 * request with the same key committed first (the caller rolls back and replays that one's). An
 * expired record is replaced.
 */
export async function remember (db: Executor, userId: string, key: string, print: string, topicId: number, ttlMs: number): Promise<boolean> {
  const response = { topic_id: topicId }
  const rows = await db.insert(idempotencyKeys)
    .values({ userId, key, fingerprint: print, statusCode: ACCEPTED, response })
    .onConflictDoUpdate({
      target: [idempotencyKeys.userId, idempotencyKeys.key],
      set: { fingerprint: print, statusCode: ACCEPTED, response, createdAt: sql`now()` },
      setWhere: sql`${idempotencyKeys.createdAt} <= now() - make_interval(secs => ${ttlMs / 1000})`
    })
    .returning({ key: idempotencyKeys.key })
  return rows.length > 0
}

export async function forgetExpired (db: Database, ttlMs: number): Promise<void> {
  await db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, sql`now() - make_interval(secs => ${ttlMs / 1000})`))
}
