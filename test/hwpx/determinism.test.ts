import { readFileSync } from 'node:fs'
import t from 'tap'
import { markdownToHwpx } from '../../src/hwpx/index.js'

const report = readFileSync(new URL('../fixtures/hwpx/report.md', import.meta.url), 'utf8')
const options = { title: '보고서', date: new Date('2025-03-01T09:30:00Z'), author: '작성자' }

function equalBytes (a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, index) => byte === b[index])
}

t.test('the same input and options give the same bytes', async (t) => {
  const first = await markdownToHwpx(report, options)
  const second = await markdownToHwpx(report, { ...options, date: new Date(options.date.getTime()) })
  t.ok(equalBytes(first, second))
})

t.test('without a date, output does not depend on the clock', async (t) => {
  const first = await markdownToHwpx(report, { title: '보고서' })
  await new Promise((resolve) => setTimeout(resolve, 1100))
  t.ok(equalBytes(first, await markdownToHwpx(report, { title: '보고서' })))
})

t.test('output does not depend on the server\'s time zone', async (t) => {
  const zone = process.env.TZ
  t.teardown(() => { if (zone === undefined) delete process.env.TZ; else process.env.TZ = zone })
  process.env.TZ = 'UTC'
  const utc = await markdownToHwpx(report, options)
  process.env.TZ = 'America/Los_Angeles'
  t.not(new Date(0).getTimezoneOffset(), 0, 'the zone change took effect')
  t.ok(equalBytes(utc, await markdownToHwpx(report, options)))
})

t.test('the date does reach the bytes', async (t) => {
  const other = await markdownToHwpx(report, { ...options, date: new Date('2025-03-02T09:30:00Z') })
  t.notOk(equalBytes(await markdownToHwpx(report, options), other))
})
