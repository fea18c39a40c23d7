import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { estimateTokens, realisticReportFor, SAMPLE_OUTLINES, SPEED_PROFILES } from '../test/support/fake-anthropic.js'
import { buildService, startFakeClaude, startService, type Service } from './service-process.js'
import { now, pollStatus, StatusStreamFollower, type Arrival } from './status-follower.js'
import { authHeader, ms, summarize } from './support.js'

/**
 * Report generation and its status streams at Claude's real pace, through the service's public
 * HTTP API only. Three kinds of process, as in production: the fake Messages API
 * (`bench/fake-claude.ts`, Sonnet's or Haiku's pace, reports of eight sections of ~575 tokens),
 * the service (`node dist/server.js`, the real Anthropic SDK pointed at the fake through
 * ANTHROPIC_BASE_URL) and the clients here.
 *
 * One process: N users start a report each at once, then each follows it with two status
 * streams (one plain, one `?include=text`) and a /status poll every second. Two processes on one
 * Postgres: reports written by A, followed on B and on A, then A gets SIGTERM mid-report.
 * Exits non-zero when a report fails or a stream misses an event or gets one out of order.
 * Builds dist/ first (BENCH_REALSPEED_BUILD=false skips that).
 */
type Profile = keyof typeof SPEED_PROFILES
const PROFILES = (process.env.BENCH_REALSPEED_PROFILES ?? 'sonnet,typical').split(',') as Profile[]
const USER_COUNTS = (process.env.BENCH_REALSPEED_USERS ?? '1,10,30').split(',').map(Number)
const SCENARIOS = (process.env.BENCH_REALSPEED_SCENARIOS ?? 'one-process,replicas').split(',')
const POSTGRES_URL = process.env.BENCH_DATABASE_URL
const DATABASES = (process.env.BENCH_REALSPEED_DATABASES ?? 'pglite,postgres').split(',').filter((database) => database === 'pglite' || POSTGRES_URL)
/** Reports each process writes at once; unset, every user's report runs at once (the default, 4, queues the rest). */
const CONCURRENCY = process.env.BENCH_REALSPEED_CONCURRENCY
const REPLICA_REPORTS = Number(process.env.BENCH_REALSPEED_REPLICA_REPORTS ?? 5)
/**
 * Reports the service writes, unmeasured, before the measured ones: a service that has written
 * reports before, whose ETA has learned what conversion and saving take and whose conversion
 * worker is warm. 0 (the default) measures a service's first reports.
 */
const WARMUP_REPORTS = Number(process.env.BENCH_REALSPEED_WARMUP ?? 0)
/** How long B's and A's streams run side by side before A gets SIGTERM. */
const REPLICA_OBSERVE_MS = Number(process.env.BENCH_REALSPEED_OBSERVE_MS ?? 15_000)

const OUTLINE = SAMPLE_OUTLINES.find((outline) => outline.sections.length === 8)!
const PLAN = `# ${OUTLINE.title}\n\n${OUTLINE.sections.map((section) => `## ${section.title}\n\n${section.description}`).join('\n\n')}\n`

/** What Claude alone takes for the report at this pace: the first token, then every token. */
function idealMs (profile: Profile) {
  const speed = SPEED_PROFILES[profile]
  return speed.firstTokenMs + estimateTokens(realisticReportFor(PLAN), speed.syllablesPerToken) / speed.tokensPerSecond * 1000
}

const problems: string[] = []
const pct = (value: number) => `${value.toFixed(1)} %`
const sleep = (delayMs: number) => new Promise((resolve) => setTimeout(resolve, delayMs))
const databaseEnv = (database: string, dataDir: string): Record<string, string> => database === 'postgres' ? { DATABASE_URL: POSTGRES_URL! } : { DATA_DIR: dataDir }

async function startReport (service: Service, user: string) {
  const headers = authHeader(user)
  const startedAt = performance.now()
  const res = await fetch(`${service.url}/api/topics/generate`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ topic: OUTLINE.title, plan: PLAN })
  })
  const acceptedMs = performance.now() - startedAt
  const acceptedAt = now()
  const body = await res.json() as { data?: { topic_id: number } }
  if (res.status !== 202 || !body.data) throw new Error(`${user}: /generate answered ${res.status}: ${JSON.stringify(body)}`)
  return { user, headers, topicId: body.data.topic_id, acceptedMs, acceptedAt }
}

type Report = Awaited<ReturnType<typeof startReport>>
const streamPath = (report: Report, query = '') => `/api/topics/${report.topicId}/status/stream${query}`

/** One user's report as its clients saw it: the steadiness of its progress and the honesty of its ETA. */
function judge (report: Report, plain: StatusStreamFollower, text: StatusStreamFollower) {
  const completedAt = plain.completion!.at
  const run = completedAt - report.acceptedAt
  const startPercent = plain.statuses[0]?.message.progress_percent ?? 0
  const firstProgress = plain.statuses.find((arrival) => (arrival.message.progress_percent ?? 0) > startPercent)
  // The bar stands still while text arrives: the longest time between changes of the percentage,
  // from the first text to the last, as a share of the whole run.
  const textFrom = text.texts[0]?.at ?? completedAt
  const textTo = text.texts.at(-1)?.at ?? completedAt
  const moves = plain.statuses.filter((arrival, i) => i > 0 && arrival.message.progress_percent !== plain.statuses[i - 1]!.message.progress_percent)
  const marks = [textFrom, ...moves.map((arrival) => arrival.at).filter((at) => at > textFrom && at < textTo), textTo]
  const longestStill = Math.max(...marks.slice(1).map((at, i) => at - marks[i]!))
  // Issue 14's rule: between 25 % and 75 % the ETA is within 25 % of the time actually left.
  const etaErrors: number[] = []
  let etaMissing = 0
  for (const arrival of plain.statuses) {
    const { event, progress_percent: percent = 0, estimated_completion: eta } = arrival.message
    if (event !== 'status_update' || percent < 25 || percent > 75) continue
    if (!eta) etaMissing++
    else etaErrors.push(Math.abs(Date.parse(eta) - completedAt) / (completedAt - arrival.at) * 100)
  }
  return {
    run,
    firstProgress: firstProgress === undefined ? NaN : firstProgress.at - report.acceptedAt,
    firstText: textFrom - report.acceptedAt,
    stillPct: longestStill / run * 100,
    etaErrors,
    etaMissing
  }
}

/** Starts reports and waits, polling /status, until each has completed. */
async function writeUnmeasured (service: Service, count: number, tag: string, deadline: number) {
  await Promise.all(Array.from({ length: count }, async (_, i) => {
    const report = await startReport(service, `warmup-${tag}-${i}`)
    for (;;) {
      const res = await fetch(`${service.url}/api/topics/${report.topicId}/status`, { headers: report.headers })
      const { data } = await res.json() as { data: { status: string } }
      if (data.status === 'completed') return
      if (data.status !== 'generating' || now() > deadline) throw new Error(`warm-up report ${report.topicId}: ${data.status}`)
      await sleep(500)
    }
  }))
}

/** Scenario a: one process, N users each starting a report at once and following it. */
async function oneProcess (profile: Profile, database: string, users: number) {
  const fake = await startFakeClaude(profile)
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'realspeed-'))
  const concurrency = Number(CONCURRENCY ?? Math.max(4, users))
  const service = await startService({
    ANTHROPIC_API_KEY: 'bench-dummy-key',
    ANTHROPIC_BASE_URL: fake.url,
    GENERATION_CONCURRENCY: String(concurrency),
    ...databaseEnv(database, dataDir)
  })
  try {
    const tag = `${database}-${profile}-${users}-${Date.now()}`
    if (WARMUP_REPORTS > 0) await writeUnmeasured(service, WARMUP_REPORTS, tag, now() + 3 * idealMs(profile) * Math.ceil(WARMUP_REPORTS / concurrency) + 60_000)
    // Reading /metrics resets its event-loop histogram: the figures below cover the run only.
    await service.loopAndMemory()
    const rssBefore = service.rssMb()
    let rssPeak = rssBefore
    const sampler = setInterval(() => { rssPeak = Math.max(rssPeak, service.rssMb()) }, 500)
    const loadBefore = os.loadavg()[0]!
    const deadline = now() + 3 * idealMs(profile) * Math.ceil(users / concurrency) + 60_000
    const outcomes = await Promise.all(Array.from({ length: users }, async (_, i) => {
      const report = await startReport(service, `realspeed-${tag}-${i}`)
      const who = `${profile}, ${database}, ${users} users: user ${i} (topic ${report.topicId})`
      const plain = new StatusStreamFollower(() => service.url, streamPath(report), report.headers, `${who} stream`)
      const text = new StatusStreamFollower(() => service.url, streamPath(report, '?include=text'), report.headers, `${who} text stream`)
      const [, , poll] = await Promise.all([
        plain.follow(deadline),
        text.follow(deadline),
        pollStatus(`${service.url}/api/topics/${report.topicId}/status`, report.headers, deadline, `${who} /status`)
      ])
      problems.push(...plain.problems, ...text.problems, ...poll.problems)
      return { report, plain, text, poll }
    }))
    clearInterval(sampler)
    const loop = await service.loopAndMemory()
    const finished = outcomes.filter((o) => o.plain.completion && o.text.completion)
    const judged = finished.map((o) => judge(o.report, o.plain, o.text))
    const accepted = summarize(outcomes.map((o) => o.report.acceptedMs))
    const firstProgress = summarize(judged.map((j) => j.firstProgress))
    const firstText = summarize(judged.map((j) => j.firstText))
    const still = summarize(judged.map((j) => j.stillPct))
    const etaErrors = judged.flatMap((j) => j.etaErrors)
    const eta = summarize(etaErrors)
    const etaWithin = etaErrors.filter((error) => error <= 25).length
    const etaMissing = judged.reduce((sum, j) => sum + j.etaMissing, 0)
    const ratio = summarize(judged.map((j) => j.run / idealMs(profile)))
    const status = summarize(outcomes.flatMap((o) => o.poll.latencies))
    const reconnects = outcomes.reduce((sum, o) => sum + o.plain.reconnects.length + o.text.reconnects.length, 0)
    console.log(`| ${profile} | ${database} | ${users} | ${ms(accepted.p50)} / ${ms(accepted.p99)} | ` +
      `${(firstProgress.p50 / 1000).toFixed(2)} / ${(firstProgress.max / 1000).toFixed(2)} s | ${(firstText.p50 / 1000).toFixed(2)} s | ` +
      `${pct(still.p50)} / ${pct(still.max)} | ${pct(eta.p50)} / ${pct(eta.max)}, ${etaWithin}/${etaErrors.length} within 25 %${etaMissing ? `, ${etaMissing} without ETA` : ''} | ` +
      `${(idealMs(profile) / 1000).toFixed(1)} s: ${ratio.p50.toFixed(2)} / ${ratio.max.toFixed(2)} | ${ms(status.p50)} / ${ms(status.p99)} (${status.n}) | ` +
      `${ms(loop.eventLoopP99Ms)} / ${ms(loop.eventLoopMaxMs)} | ${rssBefore.toFixed(0)} → ${rssPeak.toFixed(0)} MB | ` +
      `${loadBefore.toFixed(1)} → ${os.loadavg()[0]!.toFixed(1)} | ${finished.length}/${users}${reconnects ? `, ${reconnects} reconnects` : ''} |`)
  } finally {
    await service.stop()
    await fake.stop()
    await rm(dataDir, { recursive: true, force: true })
  }
}

/** Waits until A's own /status says each report is being written, not waiting. */
async function untilWriting (service: Service, reports: Report[], deadline: number) {
  for (const report of reports) {
    for (;;) {
      const res = await fetch(`${service.url}/api/topics/${report.topicId}/status`, { headers: report.headers })
      const body = await res.json() as { data: { progress_percent: number } }
      if (body.data.progress_percent >= 10) break
      if (now() > deadline) throw new Error(`report ${report.topicId} was not being written on A in time`)
      await sleep(200)
    }
  }
}

/**
 * Scenario b: two service processes on one Postgres. A alone takes the reports up (so A writes
 * them), then B starts; streams follow on both and /status is polled on B. A gets SIGTERM
 * mid-report; its stream clients reconnect with Last-Event-ID, to B, as behind a balancer that
 * has taken A out of rotation.
 */
async function replicas (profile: Profile) {
  const fake = await startFakeClaude(profile)
  const env = { ANTHROPIC_API_KEY: 'bench-dummy-key', ANTHROPIC_BASE_URL: fake.url, DATABASE_URL: POSTGRES_URL!, GENERATION_CONCURRENCY: '30' }
  const a = await startService(env)
  const problemsBefore = problems.length
  let b: Service | undefined
  try {
    const tag = `replicas-${profile}-${Date.now()}`
    const reports = await Promise.all(Array.from({ length: REPLICA_REPORTS }, (_, i) => startReport(a, `realspeed-${tag}-${i}`)))
    const who = (i: number) => `replicas, report ${i} (topic ${reports[i]!.topicId})`
    const deadline = now() + 4 * idealMs(profile) + 60_000
    await untilWriting(a, reports, deadline)
    b = await startService(env)
    const replicaB = b
    let aInRotation = true
    const following = Promise.all(reports.map(async (report, i) => {
      const onB = new StatusStreamFollower(() => replicaB.url, streamPath(report), report.headers, `${who(i)} stream on B`)
      const onA = new StatusStreamFollower(() => aInRotation ? a.url : replicaB.url, streamPath(report), report.headers, `${who(i)} stream on A, then B`)
      const [, , poll] = await Promise.all([
        onB.follow(deadline),
        onA.follow(deadline),
        pollStatus(`${replicaB.url}/api/topics/${report.topicId}/status`, report.headers, deadline, `${who(i)} /status on B`)
      ])
      problems.push(...onB.problems, ...onA.problems, ...poll.problems)
      return { onA, onB, poll }
    }))
    await sleep(REPLICA_OBSERVE_MS)
    const sigtermAt = now()
    aInRotation = false
    a.signal('SIGTERM')
    const aExitMs = await a.exited - (sigtermAt - performance.timeOrigin)
    const outcomes = await following

    const delays = outcomes.flatMap(({ onA, onB }) => onA.statuses.flatMap((onAArrival) => {
      const onBArrival = onB.statuses.find((arrival) => arrival.id === onAArrival.id)
      return onAArrival.at < sigtermAt && onBArrival ? [onBArrival.at - onAArrival.at] : []
    }))
    const delay = summarize(delays)
    const ended = summarize(outcomes.map(({ onA }) => (onA.reconnects[0]?.endedAt ?? NaN) - sigtermAt))
    const resumed = summarize(outcomes.map(({ onA }) => (onA.reconnects[0]?.resumedAt ?? NaN) - sigtermAt))
    // The report is written again from the start on B: its progress drops, then rises again.
    const restart = (arrivals: Arrival[]) => {
      const percent = (i: number) => arrivals[i]!.message.progress_percent ?? 0
      const dropped = arrivals.findIndex((arrival, i) => arrival.at > sigtermAt && i > 0 && percent(i) < percent(i - 1))
      const rising = arrivals.findIndex((_, i) => dropped !== -1 && i > dropped && percent(i) > percent(i - 1))
      return { takenUp: (arrivals[dropped]?.at ?? NaN) - sigtermAt, writing: (arrivals[rising]?.at ?? NaN) - sigtermAt }
    }
    const restarts = outcomes.map(({ onB }) => restart(onB.statuses))
    const takenUp = summarize(restarts.map((r) => r.takenUp).filter(Number.isFinite))
    const writingAgain = summarize(restarts.map((r) => r.writing).filter(Number.isFinite))
    const completed = summarize(outcomes.map(({ onB }) => (onB.completion?.at ?? NaN) - sigtermAt))
    const events = outcomes.reduce((sum, { onA, onB }) => sum + onA.statuses.length + onB.statuses.length, 0)
    const status = summarize(outcomes.flatMap(({ poll }) => poll.latencies))
    const seconds = (value: number) => `${(value / 1000).toFixed(2)} s`
    console.log(`\n${REPLICA_REPORTS} reports at the ${profile} pace (ideal ${seconds(idealMs(profile))}), Postgres, A and B separate processes; load ${os.loadavg()[0]!.toFixed(1)}\n`)
    console.log('| measurement | n | p50 | p99 / max |\n|---|---|---|---|')
    console.log(`| status event, A's stream → B's stream (A writes) | ${delay.n} | ${ms(delay.p50)} | ${ms(delay.p99)} / ${ms(delay.max)} |`)
    console.log(`| /status on B while A writes | ${status.n} | ${ms(status.p50)} | ${ms(status.p99)} / ${ms(status.max)} |`)
    console.log(`| SIGTERM → A exited | 1 | ${seconds(aExitMs)} | |`)
    console.log(`| SIGTERM → A's streams ended | ${ended.n} | ${seconds(ended.p50)} | ${seconds(ended.max)} |`)
    console.log(`| SIGTERM → those streams reconnected on B with Last-Event-ID (after the 3 s retry hint) | ${resumed.n} | ${seconds(resumed.p50)} | ${seconds(resumed.max)} |`)
    console.log(`| SIGTERM → B's streams show the report taken up again (progress back to the start) | ${takenUp.n} | ${seconds(takenUp.p50)} | ${seconds(takenUp.max)} |`)
    console.log(`| SIGTERM → B's streams show the text arriving again | ${writingAgain.n} | ${seconds(writingAgain.p50)} | ${seconds(writingAgain.max)} |`)
    console.log(`| SIGTERM → report completed | ${completed.n} | ${seconds(completed.p50)} | ${seconds(completed.max)} |`)
    console.log(`\n${events} status events received on ${2 * REPLICA_REPORTS} streams; missed or out of order: ${problems.slice(problemsBefore).filter((p) => /missed|out of order/.test(p)).length}`)
    if (aExitMs > 10_000) problems.push(`A took ${seconds(aExitMs)} to exit after SIGTERM (limit 10 s)`)
  } finally {
    await a.stop()
    await b?.stop()
    await fake.stop()
  }
}

if (process.env.BENCH_REALSPEED_BUILD !== 'false') buildService()
console.log(`ideal (first token + tokens / rate): ${PROFILES.map((profile) => `${profile} ${(idealMs(profile) / 1000).toFixed(1)} s`).join(', ')}; ` +
  `report of ${OUTLINE.sections.length} sections, ${estimateTokens(realisticReportFor(PLAN), 1).toFixed(0)} tokens; ` +
  `${WARMUP_REPORTS > 0 ? `each service wrote ${WARMUP_REPORTS} report(s) before the measured ones` : 'the measured reports are each service\'s first'}\n`)
if (SCENARIOS.includes('one-process')) {
  console.log('| pace | database | users | /generate 202 p50 / p99 | 202 → first progress p50 / max | 202 → first text p50 | longest standstill while text arrives, p50 / max of run | ETA error at 25–75 %, p50 / max | ideal: total / ideal p50 / max | /status p50 / p99 (n) | event-loop delay p99 / max | RSS start → peak | load 1 min | reports done |')
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|')
  for (const profile of PROFILES) {
    for (const database of DATABASES) {
      for (const users of USER_COUNTS) await oneProcess(profile, database, users)
    }
  }
}
if (SCENARIOS.includes('replicas')) {
  if (POSTGRES_URL) await replicas(PROFILES[0]!)
  else console.log('\ntwo replicas: skipped, they need BENCH_DATABASE_URL (one Postgres for both)')
}

if (problems.length > 0) {
  console.error(`\n${problems.length} problems:\n${problems.slice(0, 50).join('\n')}`)
  process.exit(1)
}
