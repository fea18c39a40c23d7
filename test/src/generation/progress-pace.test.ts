import t from 'tap'
import { FinishingTime, ProgressTracker } from '../../../src/generation/progress.js'
import { estimateTokens, realisticReportFor, type SpeedModel } from '../../support/fake-anthropic.js'

/**
 * A report written at Sonnet's pace, on a simulated clock: does the bar keep moving while text
 * arrives, and does the ETA hold? The pacing is the fake Messages API's own speed model, and
 * the updates are throttled the way the generation service throttles them (a planned heading at
 * once, otherwise at most one estimate per second).
 */
const SONNET: SpeedModel = { firstTokenMs: 1500, tokensPerSecond: 60, syllablesPerToken: 1 }
const HAIKU: SpeedModel = { firstTokenMs: 900, tokensPerSecond: 110, syllablesPerToken: 1 }
const PROGRESS_INTERVAL_MS = 1000
const DELTA_CHARS = 6
/**
 * What converting and saving take after the last token, on top of the writing: a few hundred ms on
 * conversion threads that warmed up while Claude wrote (`npm run bench -- real-speed`).
 */
const FINISHING_MS = 400

/** A small deterministic generator, so every run of the test sees the same reports. */
function random (seed: number) {
  let state = seed
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31
    return state / 2 ** 31
  }
}

const sectionTitles = (count: number) => Array.from({ length: count }, (_, i) => `섹션 ${i + 1} 분석`)

function report (seed: number, sectionCount: number) {
  const next = random(seed)
  const titles = sectionTitles(sectionCount)
  // Sections of one report run to similar lengths (±15 %), as the planned outline asks for.
  const body = titles.map((title) => {
    const syllables = Math.round(700 * (0.85 + next() * 0.3))
    return `## ${title}\n\n${'가나다라마바사 아자차카타파하 '.repeat(Math.ceil(syllables / 15)).slice(0, syllables)}\n\n`
  })
  return { titles, markdown: `# 보고서\n\n${body.join('')}` }
}

interface Sample { at: number, percent: number, eta: number | null }

interface Machine {
  speed: SpeedModel
  /** What converting and saving take on this machine after the last token. */
  finishingMs: number
  /** What the tracker expects them to take. */
  expectedFinishingMs?: number
}

type Report = ReturnType<typeof report>

function simulate ({ titles, markdown }: Report, machine: Machine = { speed: SONNET, finishingMs: FINISHING_MS }) {
  const { speed } = machine
  let clock = 0
  const tracker = new ProgressTracker(titles.map((title, i) => ({ title, description: '', order: i + 1 })), () => clock, machine.expectedFinishingMs)
  const samples: Sample[] = []
  let lastSentAt = -Infinity
  let tokens = 0
  const record = (patch: { progress_percent?: number, estimated_completion?: string | null }) => {
    lastSentAt = clock
    samples.push({
      at: clock,
      percent: patch.progress_percent ?? samples.at(-1)?.percent ?? 0,
      eta: patch.estimated_completion ? Date.parse(patch.estimated_completion) : null
    })
  }
  for (let i = 0; i < markdown.length; i += DELTA_CHARS) {
    const delta = markdown.slice(i, i + DELTA_CHARS)
    tokens += estimateTokens(delta, speed.syllablesPerToken)
    clock = speed.firstTokenMs + tokens / speed.tokensPerSecond * 1000
    const patch = tracker.push(delta)
    if (patch) record(patch)
    else if (clock - lastSentAt >= PROGRESS_INTERVAL_MS) {
      const estimate = tracker.estimate()
      if (estimate) record(estimate)
    }
  }
  return { samples, textEndsAt: clock, completedAt: clock + machine.finishingMs }
}

/** The largest ETA error between 25 % and 75 %, as a share of the time actually left. */
function worstEtaError ({ samples, completedAt }: ReturnType<typeof simulate>): number {
  return Math.max(...samples
    .filter((sample) => sample.percent >= 25 && sample.percent <= 75)
    .map((sample) => sample.eta === null ? Infinity : Math.abs(sample.eta - completedAt) / (completedAt - sample.at)))
}

for (const seed of [1, 2, 3, 4, 5]) {
  t.test(`report ${seed}: progress rises steadily and the ETA holds between 25 % and 75 %`, async (t) => {
    const { samples, textEndsAt, completedAt } = simulate(report(seed, 8))
    t.ok(completedAt > 40_000, `a long report (${Math.round(completedAt / 1000)} s)`)

    let longestStill = 0
    let movedAt = SONNET.firstTokenMs
    let percent = -1
    for (const sample of samples) {
      if (sample.percent > percent) {
        longestStill = Math.max(longestStill, sample.at - movedAt)
        movedAt = sample.at
        percent = sample.percent
      }
      t.ok(sample.percent >= percent, 'never moves back')
    }
    longestStill = Math.max(longestStill, textEndsAt - movedAt)
    t.ok(longestStill <= completedAt * 0.1,
      `the bar never stands still for more than 10 % of the run while text arrives (longest ${Math.round(longestStill)} ms of ${Math.round(completedAt)} ms)`)

    const judged = samples.filter((sample) => sample.percent >= 25 && sample.percent <= 75)
    t.ok(judged.length >= 10, `many updates between 25 % and 75 % (${judged.length})`)
    const worst = Math.max(...judged.map((sample) => {
      t.not(sample.eta, null, `an ETA at ${sample.percent} %`)
      return Math.abs(sample.eta! - completedAt) / (completedAt - sample.at)
    }))
    t.ok(worst <= 0.25, `the ETA is within 25 % of the time actually left (worst ${(worst * 100).toFixed(1)} %)`)
  })
}

// Near 75 % only a few seconds of writing are left, so what the conversion and saving take
// decides the ETA there: warm conversion threads on a quiet machine finish in a fraction of a
// second (the assumption), cold threads or a busy machine in two or more.
for (const finishingMs of [2000, 4000]) {
  t.test(`a machine that finishes a report in ${finishingMs} ms: the ETA holds once a report has finished`, async (t) => {
    // The benchmark's report (sections of equal length), so only the finishing time is in question.
    const titles = sectionTitles(8)
    const benchmarkReport = { titles, markdown: realisticReportFor(titles.map((title) => `## ${title}`).join('\n')) }
    const finishing = new FinishingTime()
    const first = simulate(benchmarkReport, { speed: HAIKU, finishingMs, expectedFinishingMs: finishing.estimateMs })
    t.ok(worstEtaError(first) > 0.25, `the first report, before anything is learned, misses (worst ${(worstEtaError(first) * 100).toFixed(1)} %)`)
    finishing.record(first.completedAt - first.textEndsAt)
    for (const run of [2, 3, 4]) {
      const next = simulate(benchmarkReport, { speed: HAIKU, finishingMs, expectedFinishingMs: finishing.estimateMs })
      t.ok(worstEtaError(next) <= 0.25, `report ${run}: within 25 % of the time left (worst ${(worstEtaError(next) * 100).toFixed(1)} %)`)
      finishing.record(next.completedAt - next.textEndsAt)
    }
  })
}
