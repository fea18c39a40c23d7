import { AsyncLocalStorage } from 'node:async_hooks'
import type { PGlite } from '@electric-sql/pglite'
import { drizzle } from 'drizzle-orm/pglite'
import type { DatabaseHandle } from '../db/client.js'
import * as schema from '../db/schema.js'

/** The part of PGlite that drizzle and pg-boss's adapter call. */
type Statements = Pick<PGlite, 'query' | 'exec' | 'transaction'>

/**
 * Requests first on the embedded database. PGlite has one connection and runs statements one at a
 * time, first come first served: workers writing reports at full speed would queue theirs ahead of
 * a request's, and /generate, which waits on each of its statements in turn, would wait behind all
 * of them. Work run through `run()` (the job handlers) and the job queue's own statements go one
 * at a time through this lane, and each waits for the event loop to come round first, so a
 * request's next statement — or a request that has just arrived — is queued at the database
 * before the next background one: a request waits for at most one background statement (or
 * transaction) at a time. Postgres has a pool and needs none of this.
 */
export class BackgroundLane {
  readonly #marked = new AsyncLocalStorage<true>()
  #busy = false
  readonly #waiting: Array<() => void> = []

  /** Runs `work` with every database statement it makes behind the requests'. */
  run<T> (work: () => Promise<T>): Promise<T> {
    return this.#marked.run(true, work)
  }

  /** The client for code that serves requests and background work alike: the caller's context decides. */
  shared<T extends Statements> (client: T): T {
    return this.#wrap(client, () => this.#marked.getStore() === true)
  }

  /** The client for the job queue: every statement is background work. */
  background<T extends Statements> (client: T): T {
    return this.#wrap(client, () => true)
  }

  #wrap<T extends Statements> (client: T, isBackground: () => boolean): T {
    const gated = (method: 'query' | 'exec' | 'transaction') => {
      const call = (client[method] as (...args: unknown[]) => Promise<unknown>).bind(client)
      return (...args: unknown[]) => isBackground() ? this.#inTurn(() => call(...args)) : call(...args)
    }
    const overrides = { query: gated('query'), exec: gated('exec'), transaction: gated('transaction') }
    return new Proxy(client, {
      get: (target, property, receiver) => {
        if (property in overrides) return overrides[property as keyof typeof overrides]
        const value = Reflect.get(target, property, receiver) as unknown
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
      }
    })
  }

  async #inTurn<T> (statement: () => Promise<T>): Promise<T> {
    await this.#take()
    try {
      return await statement()
    } finally {
      this.#pass()
    }
  }

  async #take (): Promise<void> {
    if (this.#busy) await new Promise<void>((resolve) => { this.#waiting.push(resolve) })
    this.#busy = true
    // The event loop comes round first: whatever requests have ready goes to the database ahead.
    await new Promise<void>((resolve) => { setImmediate(resolve) })
  }

  #pass (): void {
    const next = this.#waiting.shift()
    if (next) next()
    else this.#busy = false
  }
}

/**
 * The database as the generation service sees it: on PGlite, statements made in the lane's
 * background context (and all of the job queue's) go through the lane; everything else, and all
 * of Postgres, is the handle unchanged.
 */
export function throughLane (database: DatabaseHandle, lane: BackgroundLane): { database: DatabaseHandle, queueDatabase: DatabaseHandle } {
  if (!database.pglite) return { database, queueDatabase: database }
  return {
    database: { ...database, db: drizzle(lane.shared(database.pglite), { schema }) },
    queueDatabase: { ...database, pglite: lane.background(database.pglite) }
  }
}
