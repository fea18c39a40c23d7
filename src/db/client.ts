import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { PGlite } from '@electric-sql/pglite'
import { sql } from 'drizzle-orm'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js'
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator'
import postgres from 'postgres'
import { DEFAULT_DATABASE_TIMEOUTS, guardedSocket, type DatabaseTimeouts } from './connection-guard.js'
import * as schema from './schema.js'

export type Database = PgDatabase<PgQueryResultHKT, typeof schema>

/** Stops a LISTEN started with DatabaseHandle.listen. */
export type Unlisten = () => Promise<void>

export interface DatabaseHandle {
  db: Database
  driver: 'postgres' | 'pglite'
  /** The Postgres URL, for components that open connections of their own (the job queue). */
  url?: string
  /** The embedded database itself, for components that share its single connection (the job queue). */
  pglite?: PGlite
  /**
   * LISTEN on a channel: a dedicated connection on Postgres, in-process on PGlite. `onListening`
   * runs each time the LISTEN is in place, after every reconnection too: NOTIFYs sent while the
   * connection was down are lost, so that is when a listener reads what it missed.
   */
  listen: (channel: string, onPayload: (payload: string) => void, onListening?: () => void) => Promise<Unlisten>
  /** Cheap round trip used by the readiness probe. */
  ping: () => Promise<void>
  close: () => Promise<void>
}

export interface DatabaseOptions {
  /** A postgres:// URL; when absent the embedded PGlite is used. */
  url?: string
  /** Where PGlite keeps its files; absent means in memory (tests). */
  pgliteDir?: string
  /** Apply the committed migrations before returning. Defaults to true. */
  migrate?: boolean
  /** A PGlite data directory dump (dumpDataDir) to start from instead of an empty database. */
  pgliteDataDump?: Blob
  /** PostgreSQL only: how long to wait for a connection and for one statement. */
  timeouts?: DatabaseTimeouts
}

/** Reconnection after an outage: quick retries, never more than two seconds apart, so the service heals as soon as the database is back. */
const reconnectDelaySeconds = (retries: number) => Math.min(0.05 * 2 ** retries, 2)

/**
 * The migrations live beside package.json, while this module runs either from src/ (tsx)
 * or from dist/src/ (compiled), so the folder is found by walking up rather than by a fixed path.
 */
function findMigrationsFolder (): string {
  let dir = path.dirname(fileURLToPath(import.meta.url))
  while (true) {
    const candidate = path.join(dir, 'drizzle')
    if (fs.existsSync(path.join(candidate, 'meta', '_journal.json'))) return candidate
    const parent = path.dirname(dir)
    if (parent === dir) throw new Error('Cannot find the drizzle migrations folder')
    dir = parent
  }
}

export const MIGRATIONS_FOLDER = findMigrationsFolder()

export async function openDatabase (options: DatabaseOptions): Promise<DatabaseHandle> {
  const shouldMigrate = options.migrate ?? true
  if (options.url) {
    const timeouts = options.timeouts ?? DEFAULT_DATABASE_TIMEOUTS
    const client = postgres(options.url, {
      max: 10,
      onnotice: () => {},
      // Missing from postgres.js' types, documented in its README ("Custom socket").
      ...{ socket: guardedSocket(timeouts) },
      connect_timeout: timeouts.connectMs / 1000,
      backoff: reconnectDelaySeconds,
      connection: { statement_timeout: timeouts.queryMs }
    })
    const db = drizzlePostgres(client, { schema })
    try {
      if (shouldMigrate) await migratePostgres(db, { migrationsFolder: MIGRATIONS_FOLDER })
    } catch (error) {
      await client.end({ timeout: 1 })
      throw error
    }
    return {
      db,
      driver: 'postgres',
      url: options.url,
      listen: async (channel, onPayload, onListening) => {
        const { unlisten } = await client.listen(channel, onPayload, onListening)
        return unlisten
      },
      ping: async () => { await db.execute(sql`select 1`) },
      close: async () => { await client.end({ timeout: 5 }) }
    }
  }

  if (options.pgliteDir) fs.mkdirSync(options.pgliteDir, { recursive: true })
  const client = new PGlite(options.pgliteDir, { loadDataDir: options.pgliteDataDump })
  const db = drizzlePglite(client, { schema })
  try {
    if (shouldMigrate) await migratePglite(db, { migrationsFolder: MIGRATIONS_FOLDER })
  } catch (error) {
    await client.close()
    throw error
  }
  let closed = false
  return {
    db,
    driver: 'pglite',
    pglite: client,
    listen: async (channel, onPayload) => {
      const unlisten = await client.listen(channel, onPayload)
      return () => unlisten()
    },
    ping: async () => {
      if (closed) throw new Error('database is closed')
      await db.execute(sql`select 1`)
    },
    close: async () => {
      if (closed) return
      closed = true
      await client.close()
    }
  }
}
