import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

/**
 * `npm test`: the suite, compiled once, then run by tap.
 *
 * Every test file runs in a process of its own, and loading TypeScript through tsx's module hooks
 * cost each of those processes (and each conversion thread and child service they start) about
 * 0.8 s of CPU, a quarter of a database test file's, on 2-core machines where CPU is what the suite
 * waits for. So the sources are compiled once (esbuild: under a second) into `.test-build/`, a
 * copy of the checkout in which every other file, the TypeScript included, is a link to the
 * original: a path a test builds from its own location leads where it did.
 *
 * Arguments go to tap; a test file may be named by its source (`test/routes/plan.test.ts`).
 * `npx tap test/routes/plan.test.ts` still runs a file straight from its source (the checkout's .taprc).
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const BUILD = path.join(ROOT, '.test-build')

/** Local state and outputs: not copied; the ones a test reaches are linked whole. */
const SKIPPED = new Set(['.git', '.test-build', '.tap', 'node_modules', 'dist', 'data', 'coverage', 'scratch', 'test-artifacts'])
const LINKED_WHOLE = ['node_modules', 'dist', 'test-artifacts']

/**
 * The checkout's .taprc with the compiled files in place of the sources and without the TypeScript
 * loader; stack traces still name the TypeScript lines through the source maps.
 */
function compiledTaprc (): string {
  const edits: Array<[string, string]> = [
    ['  - "test/**/*.test.ts"', '  - "test/**/*.test.js"'],
    ['  - --import=tsx', '  - --enable-source-maps']
  ]
  return edits.reduce((taprc, [from, to]) => {
    if (!taprc.includes(from)) throw new Error(`.taprc no longer has the line "${from}" that test/run.ts replaces with "${to}"`)
    return taprc.replace(from, to)
  }, fs.readFileSync(path.join(ROOT, '.taprc'), 'utf8'))
}

const holdsTypeScript = (dir: string): boolean => fs.readdirSync(dir, { withFileTypes: true })
  .some((entry) => entry.isDirectory() ? holdsTypeScript(path.join(dir, entry.name)) : entry.name.endsWith('.ts'))

/**
 * Links every file of `dir` into the copy, and every folder without TypeScript as a whole (a test
 * listing the web page's files then sees files, not links); returns the TypeScript files.
 */
function linkInto (dir: string, copy: string): string[] {
  fs.mkdirSync(copy, { recursive: true })
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (dir === ROOT && SKIPPED.has(entry.name)) return []
    const file = path.join(dir, entry.name)
    const linked = path.join(copy, entry.name)
    if (entry.isDirectory() && holdsTypeScript(file)) return linkInto(file, linked)
    fs.symlinkSync(file, linked)
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [file] : []
  })
}

async function buildSuite () {
  fs.rmSync(BUILD, { recursive: true, force: true })
  const typeScript = linkInto(ROOT, BUILD)
  fs.mkdirSync(path.join(ROOT, 'test-artifacts'), { recursive: true })
  for (const name of LINKED_WHOLE) {
    if (fs.existsSync(path.join(ROOT, name))) fs.symlinkSync(path.join(ROOT, name), path.join(BUILD, name))
  }
  fs.rmSync(path.join(BUILD, '.taprc'))
  fs.writeFileSync(path.join(BUILD, '.taprc'), compiledTaprc())
  await build({
    entryPoints: typeScript,
    outdir: BUILD,
    outbase: ROOT,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // `import pkg from '../package.json' with { type: 'json' }` must keep its attribute.
    supported: { 'import-attributes': true },
    sourcemap: true,
    logLevel: 'warning'
  })
}

/** A test file named by its source runs compiled; anything else passes through to tap as it is. */
function tapArgument (argument: string) {
  if (!/\.test\.ts$/.test(argument)) return argument
  return path.relative(ROOT, path.resolve(argument)).replace(/\.ts$/, '.js')
}

await buildSuite()
const tap = spawn(path.join(ROOT, 'node_modules', '.bin', 'tap'), process.argv.slice(2).map(tapArgument), { cwd: BUILD, stdio: 'inherit' })
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => tap.kill(signal))
// Killed by a signal, tap has no exit code: that is a failed run.
tap.on('exit', (code) => { process.exitCode = code ?? 1 })
