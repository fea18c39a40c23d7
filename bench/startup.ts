import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { BENCH_SECRET, summarize } from './support.js'

/**
 * `npm start` as a user runs it: `node dist/server.js` (build first: `npm run build`), timed from
 * the spawn to the first 200 from /health (liveness) and from /ready (the report workers run).
 * PGlite: the very first start (it creates the database) once, then restarts on that database;
 * PostgreSQL too when BENCH_DATABASE_URL names one. Runs: BENCH_STARTS (default 5).
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const SERVER = path.join(ROOT, 'dist', 'server.js')
const STARTS = Number(process.env.BENCH_STARTS ?? 5)

if (!fs.existsSync(SERVER)) {
  console.error('dist/server.js is missing: run `npm run build` first')
  process.exit(1)
}

async function firstOk (url: string): Promise<number> {
  while (true) {
    const ok = await fetch(url).then((res) => res.ok, () => false)
    if (ok) return performance.now()
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

async function start (env: Record<string, string>) {
  const port = 20_000 + Math.floor(Math.random() * 20_000)
  const startedAt = performance.now()
  const child = spawn(process.execPath, [SERVER], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(port), JWT_SECRET: BENCH_SECRET, LOG_LEVEL: 'error', ...env }
  })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  const health = await firstOk(`http://127.0.0.1:${port}/health`) - startedAt
  const ready = await firstOk(`http://127.0.0.1:${port}/ready`) - startedAt
  child.kill('SIGTERM')
  await exited
  return { health, ready }
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'reportflow-bench-startup-'))
const rows: string[] = []
const row = (name: string, health: number[], ready: number[]) => {
  const [h, r] = [summarize(health), summarize(ready)]
  rows.push(`| ${name} | ${health.length} | ${Math.round(h.p50)} ms (max ${Math.round(h.max)}) | ${Math.round(r.p50)} ms (max ${Math.round(r.max)}) |`)
}
try {
  const first = await start({ DATA_DIR: dataDir })
  row('PGlite, first start (creates ./data)', [first.health], [first.ready])
  const restarts = []
  for (let i = 0; i < STARTS; i++) restarts.push(await start({ DATA_DIR: dataDir }))
  row('PGlite, restart', restarts.map((s) => s.health), restarts.map((s) => s.ready))
  if (process.env.BENCH_DATABASE_URL) {
    const starts = []
    for (let i = 0; i < STARTS + 1; i++) starts.push(await start({ DATA_DIR: dataDir, DATABASE_URL: process.env.BENCH_DATABASE_URL }))
    starts.shift() // the first one migrates a fresh database
    row('PostgreSQL, restart', starts.map((s) => s.health), starts.map((s) => s.ready))
  }
} finally {
  fs.rmSync(dataDir, { recursive: true, force: true })
}

console.log('| start | runs | /health answers (p50) | /ready answers (p50) |')
console.log('|---|---|---|---|')
for (const line of rows) console.log(line)
console.log(`\nnode ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg().map((load) => load.toFixed(1)).join(' ')} at the end`)
