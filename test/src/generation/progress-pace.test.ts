import t from 'tap'
import { ProgressTracker } from '../../../src/generation/progress.js'
import { estimateTokens, type SpeedModel } from '../../support/fake-anthropic.js'

/**
 * A report written at Sonnet's pace, on a simulated clock: does the bar keep moving while text
 * arrives, and does the ETA hold? The pacing is the fake Messages API's own speed model, and
 * the updates are throttled the way the generation service throttles them (a planned heading at
 * once, otherwise at most one estimate per second).
 */
const SONNET: SpeedModel = { firstTokenMs: 1500, tokensPerSecond: 60, syllablesPerToken: 1 }
const PROGRESS_INTERVAL_MS = 1000
const DELTA_CHARS = 6
/** What converting and saving take after the last token, on top of the writing. */
const FINISHING_MS = 1500

/** A small deterministic generator, so every run of the test sees the same reports. */
function random (seed: number) {
  let state = seed
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31
    return state / 2 ** 31
  }
}

function report (seed: number, sectionCount: number) {
  const next = random(seed)
  const titles = Array.from({ length: sectionCount }, (_, i) => `섹션 ${i + 1} 분석`)
  // Sections of one report run to similar lengths (±15 %), as the planned outline asks for.
  const body = titles.map((title) => {
    const syllables = Math.round(700 * (0.85 + next() * 0.3))
    return `## ${title}\n\n${'가나다라마바사 아자차카타파하 '.repeat(Math.ceil(syllables / 15)).slice(0, syllables)}\n\n`
  })
  return { titles, markdown: `# 보고서\n\n${body.join('')}` }
}

interface Sample { at: number, percent: number, eta: number | null }

function simulate (seed: number, sectionCount: number) {
  const { titles, markdown } = report(seed, sectionCount)
  let clock = 0
  const tracker = new ProgressTracker(titles.map((title, i) => ({ title, description: '', order: i + 1 })), () => clock)
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
    tokens += estimateTokens(delta, SONNET.syllablesPerToken)
    clock = SONNET.firstTokenMs + tokens / SONNET.tokensPerSecond * 1000
    const patch = tracker.push(delta)
    if (patch) record(patch)
    else if (clock - lastSentAt >= PROGRESS_INTERVAL_MS) {
      const estimate = tracker.estimate()
      if (estimate) record(estimate)
    }
  }
  return { samples, textEndsAt: clock, completedAt: clock + FINISHING_MS }
}

for (const seed of [1, 2, 3, 4, 5]) {
  t.test(`report ${seed}: progress rises steadily and the ETA holds between 25 % and 75 %`, async (t) => {
    const { samples, textEndsAt, completedAt } = simulate(seed, 8)
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
