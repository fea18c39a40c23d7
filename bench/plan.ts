import { spawn } from 'node:child_process'
import path from 'node:path'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { authHeader, ms, summarize } from './support.js'

/**
 * /plan against Claude at its published speed (the fake Messages API in its own process, at the
 * typical and fast profiles): latency and the share of plans that are Claude's own outline, for
 * one user at a time and for 50 users at once (closed loop: each sends its next plan when the
 * last is answered), on PGlite and — with BENCH_DATABASE_URL — on Postgres. The single-user rows
 * always use PGlite. Clients, service and fake Claude are three processes.
 */
const SEQUENTIAL = Number(process.env.BENCH_PLAN_REQUESTS ?? 30)
const USERS = Number(process.env.BENCH_PLAN_USERS ?? 50)
const SECONDS = Number(process.env.BENCH_PLAN_SECONDS ?? 20)
const here = path.dirname(fileURLToPath(import.meta.url))

/** Runs a bench/ script in its own process and reads the first line it prints. */
async function startProcess (script: string, args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, script), ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
  const [line] = await once(child.stdout, 'data') as [Buffer]
  const stop = async () => {
    child.kill('SIGTERM')
    if (child.exitCode === null) await once(child, 'exit')
  }
  return { words: line.toString().trim().split(' '), stop }
}

/** The fake Claude and the service, each in its own process, as they would be in production. */
async function startSystem (profile: string, behavior: string | undefined, databaseUrl: string) {
  const fake = await startProcess('fake-claude.ts', [profile, ...(behavior ? [behavior] : [])])
  const server = await startProcess('plan-server.ts', [fake.words[0]!, databaseUrl])
  return {
    url: server.words[0]!,
    driver: server.words[1]!,
    stop: async () => { await server.stop(); await fake.stop() }
  }
}

interface Outcome { status: number, source?: string, elapsed: number }

async function plan (url: string, user: string, i: number): Promise<Outcome> {
  const startedAt = performance.now()
  const res = await fetch(`${url}/api/topics/plan`, {
    method: 'POST',
    headers: { ...authHeader(user), 'content-type': 'application/json' },
    body: JSON.stringify({ topic: `2026 디지털뱅킹 트렌드 분석 ${i}` })
  })
  const body = await res.json() as { data?: { source: string } }
  return { status: res.status, source: body.data?.source, elapsed: performance.now() - startedAt }
}

function report (label: string, driver: string, outcomes: Outcome[]) {
  const answered = outcomes.filter((o) => o.status === 200)
  const stats = summarize(outcomes.map((o) => o.elapsed))
  const llm = answered.filter((o) => o.source === 'llm').length
  const shed = outcomes.filter((o) => o.status === 503).length
  const other = outcomes.length - answered.length - shed
  const late = outcomes.filter((o) => o.elapsed > 2000).length
  const pct = (part: number) => `${((100 * part) / Math.max(1, outcomes.length)).toFixed(1)} %`
  console.log(`| ${label} | ${driver} | ${stats.n} | ${ms(stats.p50)} | ${ms(stats.p99)} | ${ms(stats.max)} | ${pct(llm)} | ${pct(shed)} | ${late} |` +
    (other ? ` (${other} other errors)` : ''))
}

async function sequential (label: string, profile: string, behavior?: string, requests = SEQUENTIAL) {
  const server = await startSystem(profile, behavior, '')
  const outcomes: Outcome[] = []
  await plan(server.url, 'bench-warmup', -1)
  for (let i = 0; i < requests; i++) outcomes.push(await plan(server.url, 'bench-plan', i))
  await server.stop()
  report(label, server.driver, outcomes)
}

async function concurrent (label: string, profile: string, databaseUrl: string) {
  const server = await startSystem(profile, undefined, databaseUrl)
  // Opens the database pool's connections, as a service that has been up for a while has them.
  await Promise.all(Array.from({ length: 10 }, (_, i) => plan(server.url, 'bench-warmup', -i)))
  const outcomes: Outcome[] = []
  const until = performance.now() + SECONDS * 1000
  await Promise.all(Array.from({ length: USERS }, async (_, user) => {
    for (let i = 0; performance.now() < until; i++) {
      const outcome = await plan(server.url, `bench-user-${user}`, i)
      outcomes.push(outcome)
      // A user turned away waits as Retry-After asks, as a client should.
      if (outcome.status === 503) await new Promise((resolve) => setTimeout(resolve, 1000))
    }
  }))
  await server.stop()
  report(label, server.driver, outcomes)
}

console.log('| /plan | database | n | p50 | p99 | max | Claude\'s outline | shed (503) | over 2 s |\n|---|---|---|---|---|---|---|---|---|')
await sequential('one user, typical speed', 'typical')
await sequential('one user, fast speed', 'fast')
await sequential('one user, Claude never answers', 'typical', 'hang', 10)
// The 50-user runs on PGlite, then on Postgres when BENCH_DATABASE_URL names one.
for (const databaseUrl of ['', process.env.BENCH_DATABASE_URL ?? ''].filter((url, i) => i === 0 || url)) {
  await concurrent(`${USERS} users, typical speed, ${SECONDS} s`, 'typical', databaseUrl)
  await concurrent(`${USERS} users, fast speed, ${SECONDS} s`, 'fast', databaseUrl)
}
