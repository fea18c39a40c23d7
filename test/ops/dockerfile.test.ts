import { execFile, spawn } from 'node:child_process'
import fs from 'node:fs'
import { builtinModules } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import postgres from 'postgres'
import t from 'tap'
import { TEST_JWT_SECRET } from '../support/app.js'
import { TEST_DATABASE_URL } from '../support/database.js'
import { commandsOf, execForm, find, parseDockerfile, type Stage } from './support/dockerfile.js'
import { freePort } from './support/ports.js'

// This file compiles the service and starts it: on a busy CI machine that outlasts the usual limit.
t.setTimeout(300_000)

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>
  dependencies: Record<string, string>
  engines: { node: string }
}
const stages = parseDockerfile(fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8'))
const [build, runtime] = stages as [Stage, Stage]
const runCommands = (stage: Stage) => find(stage, 'RUN').flatMap((i) => commandsOf(i.args))
const healthcheck = () => execForm(/\bCMD\s+(\[.*\])$/.exec(find(runtime, 'HEALTHCHECK')[0]!.args)![1]!)
const runExec = promisify(execFile)

function envOf (stage: Stage): Record<string, string> {
  const pairs = find(stage, 'ENV').flatMap((i) => i.args.split(/\s+/)).map((pair) => pair.split('=') as [string, string])
  return Object.fromEntries(pairs)
}

t.test('the build and start steps are the commands of package.json and CI', async (t) => {
  t.same(stages.map((s) => s.name), ['build', 'runtime'], 'a build stage and a runtime stage')
  t.match(find(build, 'FROM')[0]!.args, /^\$\{NODE_IMAGE\} AS build$/)
  t.match(find(runtime, 'FROM')[0]!.args, /^\$\{NODE_IMAGE\} AS runtime$/)
  const image = /^ARG NODE_IMAGE=(\S+)$/m.exec(fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8'))?.[1]
  t.match(image, /^node:24-[a-z]+-slim$/, 'slim Node 24, the active LTS')
  t.equal(pkg.engines.node, '>=20.12', 'which package.json allows')

  t.same(runCommands(build), ['npm ci --ignore-scripts --no-audit --no-fund', 'npm run build'],
    'build: the install of .ci/run, with the build it runs (prepare) once the sources are in')
  t.match(fs.readFileSync(path.join(ROOT, '.ci/run'), 'utf8'), /^npm ci --no-audit --no-fund /m, 'CI installs the same way')
  t.equal(pkg.scripts.prepare, 'npm run build && node dist/scripts/pglite-seed.js && tap build',
    'npm ci builds, so npm start does not have to, makes the PGlite seed, and builds tap for the configured plugins')
  t.ok(pkg.scripts.build, 'package.json has the build script')
  t.notOk(pkg.scripts.prestart, 'npm start compiles nothing')
  t.same(runCommands(runtime), ['npm ci --omit=dev --ignore-scripts --no-audit --no-fund', 'npm cache clean --force', 'node dist/scripts/pglite-seed.js', 'chmod -R a+rX node_modules/.cache/reportflow', 'mkdir -p /data', 'chown node:node /data'],
    'runtime: production dependencies only, no build, and a seed the node user can read')
  t.equal(execForm(find(runtime, 'CMD')[0]!.args).join(' '), pkg.scripts.start, 'CMD is the start script')

  t.match(envOf(runtime), { HOST: '0.0.0.0', PORT: '3000', DATA_DIR: '/data' })
  t.same(find(runtime, 'VOLUME').map((i) => i.args), ['["/data"]'], 'the PGlite data directory is a volume')
  t.same(find(runtime, 'USER').map((i) => i.args), ['node'], 'runs as the unprivileged node user')
  t.equal(healthcheck()[0], 'node', 'the health check needs nothing but node (no curl in slim images)')
  t.match(healthcheck().join(' '), '/health')
})

t.test('.dockerignore keeps local state out and everything the Dockerfile copies in', async (t) => {
  const ignored = fs.readFileSync(path.join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))
  for (const local of ['node_modules', 'dist', 'data', '.git', '.env', 'test-artifacts']) t.ok(ignored.includes(local), `${local} is not sent`)
  const copied = stages.flatMap((stage) => find(stage, 'COPY'))
    .filter((i) => !i.args.startsWith('--from='))
    .flatMap((i) => i.args.split(/\s+/).slice(0, -1))
  for (const source of copied) {
    t.ok(fs.existsSync(path.join(ROOT, source)), `${source} exists`)
    t.notOk(ignored.some((pattern) => source === pattern || source.startsWith(`${pattern}/`)), `${source} is sent`)
  }
  const buildIncludes = (JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.build.json'), 'utf8')) as { include: string[] }).include
  for (const folder of buildIncludes) t.ok(copied.includes(folder), `the build stage has ${folder}/, which tsconfig.build.json compiles`)
})

/**
 * Carries out the Dockerfile here, as far as that can be done without Docker: COPY copies, the
 * build script runs, and `npm ci` is stood in for by the checkout's node_modules (a test below
 * shows the runtime imports production dependencies only).
 */
async function assemble (root: string) {
  const dirs = new Map<string, string>()
  for (const stage of stages) {
    const dir = path.join(root, stage.name)
    const workdir = find(stage, 'WORKDIR')[0]!.args
    fs.mkdirSync(dir, { recursive: true })
    dirs.set(stage.name, dir)
    for (const { keyword, args } of stage.instructions) {
      if (keyword === 'COPY') {
        const from = /^--from=(\S+)\s+/.exec(args)?.[1]
        const sources = args.replace(/^--from=\S+\s+/, '').split(/\s+/)
        const destination = sources.pop()!
        for (const source of sources) {
          const origin = from ? path.join(dirs.get(from)!, path.relative(workdir, source)) : path.join(ROOT, source)
          // As in Docker: a destination ending in / is a folder to copy into.
          const target = path.join(dir, destination, destination.endsWith('/') ? path.basename(source) : '')
          fs.cpSync(origin, target, { recursive: true })
        }
      } else if (keyword === 'RUN') {
        for (const command of commandsOf(args)) {
          if (command.startsWith('npm ci')) {
            fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'))
          } else if (command.startsWith('npm run ')) {
            // Emit only: CI's typecheck has already checked these files, with the same options and more.
            await runExec('npm', [...command.split(' ').slice(1), '--', '--noCheck'], { cwd: dir })
          }
        }
      }
    }
  }
  return dirs.get('runtime')!
}

/** A database of the container's own when the suite runs on PostgreSQL, as `docker run -e DATABASE_URL` would be given. */
async function containerDatabase (t: { teardown: (fn: () => unknown) => void }): Promise<Record<string, string>> {
  if (!TEST_DATABASE_URL) return {}
  const name = `reportflow_image_${process.pid}`
  const admin = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database "${name}"`)
  t.teardown(async () => {
    await admin.unsafe(`drop database if exists "${name}" with (force)`)
    await admin.end()
  })
  const url = new URL(TEST_DATABASE_URL)
  url.pathname = `/${name}`
  return { DATABASE_URL: url.toString() }
}

t.test('the image steps give a service that starts, passes its health check and stops on SIGTERM', async (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'reportflow-image-'))
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }))
  const app = await assemble(root)

  const bare = new Set<string>()
  for (const file of fs.readdirSync(path.join(app, 'dist'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'))) {
    const source = fs.readFileSync(path.join(app, 'dist', file), 'utf8')
    for (const [, specifier] of source.matchAll(/(?:from|import)\s*\(?\s*'([^'.][^']*)'/g)) bare.add(specifier!)
  }
  const packages = [...bare].filter((s) => !s.startsWith('node:') && !builtinModules.includes(s))
    .map((s) => s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!)
  t.same([...new Set(packages)].filter((name) => !(name in pkg.dependencies)), [], 'the runtime imports production dependencies only')

  const port = await freePort()
  const dataDir = path.join(root, 'data')
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    ...envOf(runtime),
    PORT: String(port),
    DATA_DIR: dataDir,
    JWT_SECRET: TEST_JWT_SECRET,
    LOG_LEVEL: 'warn',
    ...await containerDatabase(t)
  }
  const [command, ...args] = execForm(find(runtime, 'CMD')[0]!.args) as [string, ...string[]]
  const server = spawn(command, args, { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  server.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
  server.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const exited = new Promise<number | null>((resolve) => server.once('exit', resolve))
  t.teardown(() => { if (server.exitCode === null) server.kill('SIGKILL') })

  const [checkCommand, ...checkArgs] = healthcheck() as [string, ...string[]]
  const check = () => runExec(checkCommand, checkArgs, { env: { PATH: process.env.PATH, PORT: String(port) } }).then(() => 0, (error: { code?: number }) => error.code ?? 1)
  let health = 1
  const deadline = Date.now() + 60_000
  while (health !== 0 && server.exitCode === null && Date.now() < deadline) {
    health = await check()
    if (health !== 0) await new Promise((resolve) => setTimeout(resolve, 250))
  }
  if (health !== 0) t.comment(output)
  t.equal(health, 0, 'the HEALTHCHECK passes once the service is up')

  const base = `http://127.0.0.1:${port}`
  // Alive first, ready a moment later: the report workers start once the server listens.
  let ready = await fetch(`${base}/ready`)
  while (ready.status === 503 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    ready = await fetch(`${base}/ready`)
  }
  t.match(await ready.json(), { status: 'ready', database: env.DATABASE_URL ? 'postgres' : 'pglite' }, 'migrations found and applied')
  if (!env.DATABASE_URL) t.ok(fs.existsSync(path.join(dataDir, 'pglite')), 'PGlite keeps its files under DATA_DIR')
  const document = await (await fetch(`${base}/docs/json`)).json() as { info: { version: string } }
  t.equal(document.info.version, (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version)
  const page = await fetch(`${base}/`)
  t.equal(page.status, 200, 'the web page is in the image')
  const token = (await runExec('node', ['dist/scripts/token.js', 'image-user'], { cwd: app, env })).stdout.trim()
  const templates = await fetch(`${base}/api/templates`, { headers: { authorization: `Bearer ${token}` } })
  t.equal(templates.status, 200, 'the image\'s token script (README: docker exec … token.js) signs usable tokens')

  server.kill('SIGTERM')
  t.equal(await exited, 0, 'SIGTERM ends it cleanly (node is PID 1\'s direct command, no npm in between)')
  t.equal(await check(), 1, 'and the health check then fails')
})
