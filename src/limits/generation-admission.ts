import { and, count, eq } from 'drizzle-orm'
import type { Database } from '../db/client.js'
import { topics } from '../db/schema.js'
import { AppError } from '../errors.js'

/** A generation takes a minute or two; asking sooner than this would only be refused again. */
export const RUNNING_RETRY_AFTER_SECONDS = 30

/** Generations of the user that are under way, counted in the database so every replica sees the same number. */
export async function countRunningGenerations (db: Database, userId: string): Promise<number> {
  const [row] = await db.select({ running: count() }).from(topics)
    .where(and(eq(topics.userId, userId), eq(topics.status, 'generating')))
  return row?.running ?? 0
}

/**
 * Lets a user start a generation only while fewer than `maxRunning` of theirs are under way.
 * Within a process, one user's starts are admitted one at a time — each holds its turn until its
 * answer is sent, by which time its topic is marked generating — so a burst of requests cannot
 * all read the same count. Across replicas the count comes from the database; two replicas
 * admitting at the same instant can each let one more through, never a burst.
 */
export class GenerationAdmission {
  readonly #turns = new Map<string, Promise<void>>()

  constructor (private readonly db: Database, private readonly maxRunning: number) {}

  /** Resolves with the function that ends this request's turn, or rejects with 429. */
  async admit (userId: string): Promise<() => void> {
    const previous = this.#turns.get(userId) ?? Promise.resolve()
    let endTurn!: () => void
    const turn = new Promise<void>((resolve) => { endTurn = resolve })
    const queued = previous.then(() => turn)
    this.#turns.set(userId, queued)
    let ended = false
    const release = () => {
      if (ended) return
      ended = true
      endTurn()
      if (this.#turns.get(userId) === queued) this.#turns.delete(userId)
    }
    await previous
    try {
      const running = await countRunningGenerations(this.db, userId)
      if (running >= this.maxRunning) {
        throw new AppError('RATE_LIMITED',
          `이미 보고서 ${running}건을 생성하고 있습니다. 한 사람이 동시에 생성할 수 있는 보고서는 ${this.maxRunning}건이니, 진행 중인 보고서가 끝난 뒤 다시 시도해 주세요.`,
          { retryAfterSeconds: RUNNING_RETRY_AFTER_SECONDS, hint: 'Wait for a running generation to finish (see Retry-After)' })
      }
    } catch (error) {
      release()
      throw error
    }
    return release
  }
}
