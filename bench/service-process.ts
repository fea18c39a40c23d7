import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { BENCH_SECRET } from './support.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const METRICS_TOKEN = 'bench-metrics-token-long-enough'
/** Every child still running when the benchmark leaves, so a failed run leaves nothing behind. */
const children = new Set<ChildProcess>()
process.on('exit', () => { for (const child of children) child.kill('SIGKILL') })

function track (child: ChildProcess) {
  children.add(child)
  child.once('exit', () => children.delete(child))
  return child
}

/** Compiles the service as `npm start` runs it, so the figures are of the code in this checkout. */
export function buildService () {
  const result = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] })
  if (result.status !== 0) throw new Error(`npm run build failed (exit ${result.status})`)
}

async function freePort (): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  server.close()
  return port
}

/** The fake Messages API in a process of its own (`bench/fake-claude.ts`) at a speed profile. */
export async function startFakeClaude (profile: string) {
  const child = track(spawn(process.execPath, ['--import', 'tsx', path.join(root, 'bench/fake-claude.ts'), profile], { stdio: ['ignore', 'pipe', 'inherit'] }))
  const [line] = await once(child.stdout!, 'data') as [Buffer]
  return {
    url: line.toString().trim(),
    stop: async () => {
      if (child.exitCode !== null) return
      child.kill('SIGTERM')
      await once(child, 'exit')
    }
  }
}

export interface LoopAndMemory {
  eventLoopP99Ms: number
  eventLoopMaxMs: number
  rssMb: number
}

/**
 * The service as it is deployed: `node dist/server.js` (what `npm start` runs) in a process
 * of its own on a real port, configured only through its environment. Its event-loop delay and
 * memory are read from its own /metrics (prom-client's perf_hooks histogram, reset at each read).
 */
export async function startService (env: Record<string, string>) {
  const port = await freePort()
  const child = track(spawn(process.execPath, [path.join(root, 'dist/server.js')], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: '',
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
      JWT_SECRET: BENCH_SECRET,
      METRICS_TOKEN,
      LOG_LEVEL: env.LOG_LEVEL ?? 'warn'
    },
    stdio: ['ignore', 'ignore', 'pipe']
  }))
  let stderr = ''
  child.stderr!.on('data', (piece: Buffer) => { stderr = (stderr + piece.toString()).slice(-4000) })
  const exited = once(child, 'exit').then(() => performance.now())
  const url = `http://127.0.0.1:${port}`

  const startedAt = performance.now()
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the service exited at start (${child.exitCode}): ${stderr}`)
    if (performance.now() - startedAt > 120_000) throw new Error(`the service was not ready (/ready) within 120 s: ${stderr}`)
    const ready = await fetch(`${url}/ready`).then((res) => res.ok, () => false)
    if (ready) break
    await new Promise((resolve) => setTimeout(resolve, 200))
  }

  return {
    url,
    pid: child.pid!,
    exited,
    stderr: () => stderr,
    /** Event-loop delay since the last call, and resident memory now, from the service's /metrics. */
    async loopAndMemory (): Promise<LoopAndMemory> {
      const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
      if (!res.ok) throw new Error(`/metrics answered ${res.status}`)
      const text = await res.text()
      const value = (name: string) => Number(new RegExp(`^${name} ([0-9.e+-]+)$`, 'm').exec(text)?.[1] ?? NaN)
      return {
        eventLoopP99Ms: value('nodejs_eventloop_lag_p99_seconds') * 1000,
        eventLoopMaxMs: value('nodejs_eventloop_lag_max_seconds') * 1000,
        rssMb: value('process_resident_memory_bytes') / 2 ** 20
      }
    },
    /** Resident memory now, read from /proc without disturbing the process. */
    rssMb (): number {
      const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1]
      return Number(kb) / 1024
    },
    signal (name: NodeJS.Signals) { child.kill(name) },
    async stop () {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      await exited
    }
  }
}

export type Service = Awaited<ReturnType<typeof startService>>
