import { FakeAnthropic, realisticReportFor, sampleOutline, SPEED_PROFILES } from '../test/support/fake-anthropic.js'

/**
 * The fake Messages API in a process of its own, as Claude is in production: its timers and
 * sockets do not compete with the server being measured. Reports run to a real report's length
 * (about 575 tokens a section) in deltas of a few tokens. Prints its URL, then serves until killed.
 * Usage: fake-claude.ts <typical|fast|sonnet|instant> [hang]
 */
const [profile = 'typical', behavior] = process.argv.slice(2)
const fake = await new FakeAnthropic({ speed: profile === 'instant' ? undefined : SPEED_PROFILES[profile as keyof typeof SPEED_PROFILES] }).start()
fake.outlineSample = sampleOutline
fake.defaultReport = { kind: 'report', markdown: realisticReportFor, chunkChars: 10 }
if (behavior === 'hang') fake.defaultPlan = { kind: 'hang' }
// Keeps only the count: a long run would otherwise hold every request body in memory.
setInterval(() => { fake.requests.length = 0 }, 1000).unref()
process.stdout.write(`${fake.url}\n`)
process.on('SIGTERM', () => { fake.close().finally(() => process.exit(0)) })
