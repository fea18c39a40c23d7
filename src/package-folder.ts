import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * A folder that sits beside package.json (the migrations, the web page). Modules run either from
 * the sources (tsx) or from dist/ (compiled), one level deeper, so the folder is found by walking
 * up from here to the first one holding `name/marker` rather than by a fixed relative path.
 */
export function packageFolder (name: string, marker: string): string {
  let dir = path.dirname(fileURLToPath(import.meta.url))
  while (true) {
    const candidate = path.join(dir, name)
    if (fs.existsSync(path.join(candidate, marker))) return candidate
    const parent = path.dirname(dir)
    if (parent === dir) throw new Error(`Cannot find the ${name} folder (with ${marker}) above ${fileURLToPath(import.meta.url)}`)
    dir = parent
  }
}
