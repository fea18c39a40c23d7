import fs from 'node:fs'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'

/**
 * Every route the app serves, as "METHOD /path" (HEAD left out: Fastify adds one to each GET),
 * read from printRoutes' tree, whose lines are pieces of a path to be joined with their parents'.
 */
export function registeredRoutes (app: FastifyInstance): string[] {
  const stack: string[] = []
  const routes: string[] = []
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^((?:[│ ] {3})*)[├└]── (.+?)(?: \(([A-Z, ]+)\))?$/.exec(line)
    if (!match) continue
    const depth = match[1]!.length / 4
    stack.length = depth
    const route = stack.join('') + match[2]
    stack.push(match[2]!)
    for (const method of match[3]?.split(', ') ?? []) {
      if (method !== 'HEAD') routes.push(`${method} ${route}`)
    }
  }
  return routes.sort()
}

/** The files of the web page, each a GET route of its own, and / for its index. */
export function publicPageRoutes (publicDir: string): string[] {
  const files = fs.readdirSync(publicDir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => `GET /${path.relative(publicDir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/')}`)
  return ['GET /', ...files]
}
