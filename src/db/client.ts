import fs from 'node:fs'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { sql } from 'drizzle-orm'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js'
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator'
import postgres from 'postgres'
import { packageFolder } from '../package-folder.js'
import { DEFAULT_DATABASE_TIMEOUTS, guardedSocket, type DatabaseTimeouts } from './connection-guard.js'
import { cachedPgliteSeedFolder } from './pglite-seed.js'
import * as schema from './schema.js'
import type { Config } from '../config.js'

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
  /** The migrated data folder a new pgliteDir starts as a copy of; defaults to the one made at install. */
  pgliteSeedFolder?: string
  /** Told what went wrong when opening could carry on anyway; defaults to a Node process warning. */
  warn?: (error: unknown, message: string) => void
}

/** Reconnection after an outage: quick retries, never more than two seconds apart, so the service heals as soon as the database is back. */
const reconnectDelaySeconds = (retries: number) => Math.min(0.05 * 2 ** retries, 2)

export const MIGRATIONS_FOLDER = packageFolder('drizzle', path.join('meta', '_journal.json'))

/** drizzle records each applied migration under its journal timestamp (`when`, as created_at). */
const NEWEST_MIGRATION_AT: number = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')).entries.at(-1).when

type SelectRows = (text: string) => Promise<Array<Record<string, unknown>>>

/**
 * Whether the newest committed migration is applied. drizzle's migrate reads and hashes every
 * migration file, creates its schema and table "if not exists" and opens a transaction even when
 * there is nothing to do — most of a restart's migration cost; two reads settle the usual case.
 */
async function atNewestMigration (select: SelectRows): Promise<boolean> {
  const [table] = await select("select to_regclass('drizzle.__drizzle_migrations') is not null as present")
  if (!table?.present) return false
  const [newest] = await select('select max(created_at) as at from drizzle.__drizzle_migrations')
  return Number(newest?.at ?? 0) >= NEWEST_MIGRATION_AT
}

/** The database the configuration names: Postgres at DATABASE_URL, else PGlite under DATA_DIR. */
export function databaseOptions ({ databaseUrl, dataDir, database }: Config): DatabaseOptions {
  return {
    url: databaseUrl,
    pgliteDir: databaseUrl ? undefined : path.join(dataDir, 'pglite'),
    timeouts: { connectMs: database.connectTimeoutMs, queryMs: database.queryTimeoutMs }
  }
}

const warnProcess = (error: unknown, message: string) => {
  process.emitWarning(`${message}: ${error instanceof Error ? error.message : String(error)}`)
}

/**
 * Copies the seed beside the data folder and renames it into place, so the data folder is either the
 * whole seed or absent: a half copy has PG_VERSION, would never be copied again, and would not open.
 * A copy that fails (a seed the user cannot read, a full disk) leaves an empty data folder to initdb:
 * a slower first start, never a failed one.
 */
function copySeed (seed: string, pgliteDir: string, warn: (error: unknown, message: string) => void) {
  const partial = `${pgliteDir}.partial-${process.pid}`
  try {
    fs.rmSync(partial, { recursive: true, force: true })
    fs.cpSync(seed, partial, { recursive: true })
    // Onto nothing or an empty folder; a folder with files in it is never replaced.
    fs.renameSync(partial, pgliteDir)
  } catch (error) {
    fs.rmSync(partial, { recursive: true, force: true })
    warn(error, `copying the PGlite seed ${seed} failed; starting from an empty database, which takes a few seconds longer`)
  }
}

/**
 * PostgreSQL zeroes its shared buffers at every start, and inside WebAssembly that costs about 0.1 s
 * per 32 MB on a 2-core machine: the default 128 MB was a seventh of the service's start-up. 16 MB
 * holds the pages one service works on at a time; what falls out is read back from the operating
 * system's file cache.
 */
const PGLITE_START_PARAMS = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB']

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
      if (shouldMigrate && !await atNewestMigration((text) => client.unsafe(text))) {
        await migratePostgres(db, { migrationsFolder: MIGRATIONS_FOLDER })
      }
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

  if (options.pgliteDir && !fs.existsSync(path.join(options.pgliteDir, 'PG_VERSION'))) {
    // A new data folder starts as a copy of the migrated one made at install, when there is one.
    const seed = options.pgliteSeedFolder ?? await cachedPgliteSeedFolder(MIGRATIONS_FOLDER)
    if (seed) copySeed(seed, options.pgliteDir, options.warn ?? warnProcess)
  }
  if (options.pgliteDir) fs.mkdirSync(options.pgliteDir, { recursive: true })
  // One options object: when its first argument is not a folder name PGlite takes that as the
  // options and ignores the second, so an in-memory database would skip the dump and the parameters.
  const client = new PGlite({ dataDir: options.pgliteDir, loadDataDir: options.pgliteDataDump, startParams: PGLITE_START_PARAMS })
  const db = drizzlePglite(client, { schema })
  try {
    if (shouldMigrate && !await atNewestMigration(async (text) => (await client.query<Record<string, unknown>>(text)).rows)) {
      await migratePglite(db, { migrationsFolder: MIGRATIONS_FOLDER })
    }
  } catch (error) {
    await client.close()
    throw error
  }
  let closed = false
  return {
    db,
    driver: 'pglite',
    pglite: client,
    listen: async (channel, onPayload, onListening) => {
      const unlisten = await client.listen(channel, onPayload)
      // In-process, so the LISTEN is in place once and never lost.
      onListening?.()
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
