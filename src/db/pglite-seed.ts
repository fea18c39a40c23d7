import { createHash } from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { PGlite } from '@electric-sql/pglite'
import { drizzle } from 'drizzle-orm/pglite'
import { migrate } from 'drizzle-orm/pglite/migrator'
import { packageFolder } from '../package-folder.js'

/**
 * An empty PGlite spends seconds in initdb before the migrations even start: on this project's
 * 2-core machines a first start took 4 s, against 1.5 s for a restart. So a migrated database is
 * made once and every new one starts from it: a data folder to copy for the first `npm start`
 * (made at install: `npm ci` runs `prepare`), a dump for the tests' in-memory databases. Their names
 * carry the versions of PGlite and pg-boss and the migrations, so any change makes new ones; a data
 * folder copied from an older seed gets the newer migrations on opening, as any other does.
 */
async function seedPath (migrationsFolder: string): Promise<string> {
  const hash = createHash('sha256')
  for (const name of ['@electric-sql/pglite', 'pg-boss']) hash.update(await installedPackageJson(name))
  const files = (await fs.readdir(migrationsFolder, { recursive: true, withFileTypes: true })).filter((file) => file.isFile())
  for (const file of files.map((each) => path.join(each.parentPath, each.name)).sort()) {
    hash.update(path.relative(migrationsFolder, file)).update(await fs.readFile(file))
  }
  const cache = path.join(packageFolder('node_modules', '.package-lock.json'), '.cache', 'reportflow')
  return path.join(cache, `pglite-migrated-${hash.digest('hex').slice(0, 16)}`)
}

/** A package's own package.json, found beside its resolved entry point: PGlite's exports do not name it. */
async function installedPackageJson (name: string): Promise<Buffer> {
  const entry = fileURLToPath(import.meta.resolve(name))
  return await fs.readFile(path.join(entry.slice(0, entry.lastIndexOf(`${path.sep}dist${path.sep}`)), 'package.json'))
}

/**
 * Our migrations, then the job queue's tables as pg-boss installs them on its first start. That
 * install was half the query time of a first start (0.33 of 0.68 s on a 2-core machine), and every
 * test database is a new one.
 */
async function migrateSeed (client: PGlite, migrationsFolder: string) {
  await migrate(drizzle(client), { migrationsFolder })
  const { getConstructionPlans } = await import('pg-boss')
  await client.exec(getConstructionPlans(undefined, { backend: 'pglite' }))
}

/** The migrated data folder if one was made for these PGlite, pg-boss and migrations; never makes one. */
export async function cachedPgliteSeedFolder (migrationsFolder: string): Promise<string | undefined> {
  // No seed (an install without node_modules/.cache, say) is a slower start, never a failed one.
  const folder = await seedPath(migrationsFolder).catch(() => undefined)
  if (!folder) return undefined
  return await fs.access(path.join(folder, 'PG_VERSION')).then(() => folder, () => undefined)
}

/** Makes the migrated data folder if there is none. Parallel makers may both build it; the rename keeps it whole. */
export async function makePgliteSeedFolder (migrationsFolder: string): Promise<string> {
  const folder = await seedPath(migrationsFolder)
  if (await cachedPgliteSeedFolder(migrationsFolder)) return folder
  const partial = `${folder}.${process.pid}.partial`
  await fs.rm(partial, { recursive: true, force: true })
  await fs.mkdir(partial, { recursive: true })
  const client = new PGlite(partial)
  await migrateSeed(client, migrationsFolder)
  await client.close()
  await fs.rename(partial, folder).catch(async (error: unknown) => {
    if (!await cachedPgliteSeedFolder(migrationsFolder)) throw error
    await fs.rm(partial, { recursive: true, force: true })
  })
  return folder
}

/** The migrated database as a dump, made now if there is none. Parallel makers may both write it; the rename keeps it whole. */
export async function migratedPgliteDump (migrationsFolder: string): Promise<Blob> {
  const file = `${await seedPath(migrationsFolder)}.tar`
  const cached = await fs.readFile(file).catch(() => undefined)
  if (cached) return new Blob([cached])
  const client = new PGlite()
  await migrateSeed(client, migrationsFolder)
  const dump = await client.dumpDataDir('none')
  await client.close()
  await fs.mkdir(path.dirname(file), { recursive: true })
  const partial = `${file}.${process.pid}.partial`
  await fs.writeFile(partial, Buffer.from(await dump.arrayBuffer()))
  await fs.rename(partial, file)
  return dump
}
