// Golden files for the sample report: section0.xml and header.xml,
// pretty-printed so that a change in the output is a readable diff.
// Regenerate after an intended change with:
//   UPDATE_HWPX_GOLDEN=1 npx tap test/src/hwpx/golden.test.ts
import { readFileSync, writeFileSync } from 'node:fs'
import t from 'tap'
import { markdownToHwpx } from '../../../src/hwpx/index.js'
import { packageViolations } from './support/package-validator.js'
import { prettyXml } from './support/xml.js'
import { text, unzipHwpx } from './support/zip.js'

const fixture = (name: string): URL => new URL(`../../fixtures/hwpx/${name}`, import.meta.url)
const update = process.env.UPDATE_HWPX_GOLDEN === '1'

const report = readFileSync(fixture('report.md'), 'utf8')
const pkg = await unzipHwpx(await markdownToHwpx(report, {
  title: '2025년 국내 전기차 충전 인프라 시장 분석 보고서',
  date: new Date('2025-03-01T09:30:00Z'),
  author: '전략기획실 시장분석팀'
}))

t.same(packageViolations(pkg), [], 'the golden report is a valid package')

for (const [part, golden] of [['Contents/section0.xml', 'report.section0.xml'], ['Contents/header.xml', 'report.header.xml']] as const) {
  t.test(`${part} matches ${golden}`, async (t) => {
    const actual = prettyXml(text(pkg, part))
    if (update) writeFileSync(fixture(golden), actual)
    const expected = readFileSync(fixture(golden), 'utf8')
    // Compare line by line first so a failure points at the first change.
    const actualLines = actual.split('\n')
    const expectedLines = expected.split('\n')
    const firstDifference = actualLines.findIndex((line, index) => line !== expectedLines[index])
    const difference = firstDifference === -1 && actualLines.length === expectedLines.length
      ? null
      : { line: firstDifference + 1, expected: expectedLines[firstDifference], actual: actualLines[firstDifference] }
    t.equal(difference, null, 'no differing line')
    t.equal(actual, expected)
  })
}

t.test('the pretty-printer only adds whitespace between tags', async (t) => {
  const xml = text(pkg, 'Contents/section0.xml')
  const pretty = prettyXml(xml)
  t.equal(pretty.split('\n').map((line) => line.trimStart()).join(''), xml.replace(/^<\?xml[^>]*\?>/, ''))
})
