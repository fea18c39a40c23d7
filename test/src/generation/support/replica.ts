import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import postgres from 'postgres'
import { bearer, NO_CONVERSION_WARM_UP, RELAXED_PLAN_BUDGET, TEST_JWT_SECRET } from '../../../support/app.js'

// Re-exported so the tests here name one support module: CI's Postgres pass picks test files by
// their imports of support/app, and these run on Postgres in either pass already.
export { bearer }
import { freePort } from '../../../ops/support/ports.js'
import { SAMPLE_PLAN } from '../../../support/generation.js'
import { startFakeAnthropic, type FakeAnthropic } from '../../../support/fake-anthropic.js'
import { entryPointArgs } from '../../../support/entry-point.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..')

interface Teardown { teardown: (fn: () => unknown) => void }

/** Postgres for the tests about several processes: CI names it in TEST_POSTGRES_URL for both passes. */
export const POSTGRES_URL = process.env.TEST_DATABASE_URL || process.env.TEST_POSTGRES_URL || undefined

/** A fresh Postgres database of the test's own, dropped afterwards; the service processes migrate it. */
export async function freshPostgres (t: Teardown): Promise<string> {
  const admin = postgres(POSTGRES_URL!, { max: 1, onnotice: () => {} })
  const name = `reportflow_replicas_${process.pid}_${randomBytes(4).toString('hex')}`
  await admin.unsafe(`create database "${name}"`)
  t.teardown(async () => {
    await admin.unsafe(`drop database if exists "${name}" with (force)`)
    await admin.end()
  })
  const url = new URL(POSTGRES_URL!)
  url.pathname = `/${name}`
  return url.toString()
}

/**
 * What a test of two replicas starts with: a Postgres database of its own with a client to read it,
 * and a fake Claude per replica, A and B, writing reports at a steady pace.
 */
export async function replicaPair (t: Teardown) {
  const databaseUrl = await freshPostgres(t)
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} })
  t.teardown(() => sql.end())
  const fakes: Record<string, FakeAnthropic> = { A: await startFakeAnthropic(t), B: await startFakeAnthropic(t) }
  for (const fake of Object.values(fakes)) fake.defaultReport = { kind: 'report', chunkDelayMs: 60 }
  return { databaseUrl, sql, fakes }
}

export interface Replica {
  name: string
  url: string
  child: ChildProcess
  /** Resolves with the exit code (null after a signal) once the process has ended. */
  exited: Promise<number | null>
  output: () => string
  get: (pathname: string, user: string) => Promise<Response>
  post: (pathname: string, user: string, body?: unknown, headers?: Record<string, string>) => Promise<Response>
}

/**
 * The service as production runs it — its own process on a real port — started from the sources.
 * Short queue timings make a dead process's job visible to the others within seconds.
 */
export async function startReplica (t: Teardown, name: string, env: Record<string, string>): Promise<Replica> {
  const port = await freePort()
  const child = spawn(process.execPath, entryPointArgs(ROOT, 'server.ts'), {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      HOST: '127.0.0.1',
      JWT_SECRET: TEST_JWT_SECRET,
      LOG_LEVEL: 'warn',
      GENERATION_MONITOR_SECONDS: '1',
      PLAN_RATE_LIMIT_MAX: '1000',
      ...RELAXED_PLAN_BUDGET,
      // The tests read the running reports from /metrics; off by default in production.
      METRICS_ENABLED: 'true',
      SSE_HEARTBEAT_MS: '1000',
      ...NO_CONVERSION_WARM_UP,
      ...env
    }
  })
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  t.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL')
      await exited
    }
  })
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 90_000
  while (true) {
    if (child.exitCode !== null) throw new Error(`replica ${name} exited during start:\n${output}`)
    if (Date.now() > deadline) throw new Error(`replica ${name} did not start:\n${output}`)
    const ready = await fetch(`${url}/ready`).then((res) => res.ok, () => false)
    if (ready) break
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  return {
    name,
    url,
    child,
    exited,
    output: () => output,
    get: (pathname, user) => fetch(`${url}${pathname}`, { headers: bearer(user) }),
    post: (pathname, user, body, headers = {}) => fetch(`${url}${pathname}`, {
      method: 'POST',
      headers: { ...bearer(user), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body)
    })
  }
}

export async function generate (replica: Replica, user: string, body: Record<string, unknown> = {}): Promise<number> {
  const res = await replica.post('/api/topics/generate', user, { topic: '2026 디지털뱅킹 트렌드 분석', plan: SAMPLE_PLAN, ...body })
  if (res.status !== 202) throw new Error(`generate answered ${res.status}: ${await res.text()}`)
  return ((await res.json()) as { data: { topic_id: number } }).data.topic_id
}

export interface Status { status: string, progress_percent: number, current_step: string | null, artifact_id: number | null, error_message: string | null }

export async function statusOf (replica: Replica, user: string, topicId: number): Promise<Status> {
  const res = await replica.get(`/api/topics/${topicId}/status`, user).catch((error: unknown) => {
    throw new Error(`replica ${replica.name} did not answer; its log ends:\n${replica.output().slice(-3000)}`, { cause: error })
  })
  if (res.status !== 200) throw new Error(`status answered ${res.status}: ${await res.text()}`)
  return ((await res.json()) as { data: Status }).data
}

/** Polls until the status satisfies `done`. */
export async function pollUntil (replica: Replica, user: string, topicId: number, done: (status: Status) => boolean, timeoutMs = 60_000): Promise<Status> {
  const deadline = Date.now() + timeoutMs
  while (true) {
    const status = await statusOf(replica, user, topicId)
    if (done(status)) return status
    if (Date.now() > deadline) throw new Error(`topic ${topicId} never reached the expected state; last: ${JSON.stringify(status)}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

export async function waitFor (condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** The reports this replica is writing now, from its own /metrics. */
export async function runningOn (replica: Replica): Promise<number> {
  const res = await fetch(`${replica.url}/metrics`)
  if (!res.ok) throw new Error(`/metrics answered ${res.status}`)
  return Number(/^reportflow_generations_running (\d+)$/m.exec(await res.text())?.[1] ?? NaN)
}
