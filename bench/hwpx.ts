// Markdown → HWPX conversion speed on generated Korean reports.
//   npx tsx bench/hwpx.ts            (sizes 25/50/100/200 sections)
//   npx tsx bench/hwpx.ts 100        (one size)
//   BENCH_ROUNDS=5 BENCH_ITERATIONS=4 npx tsx bench/hwpx.ts   (fresh processes per size and converter, runs each)
//   BENCH_WARMUPS=20 npx tsx bench/hwpx.ts   (warm-up runs per process before timing; 2 by default)
//   BENCH_ZIP_LEVELS=1 npx tsx bench/hwpx.ts     (also compare zlib DEFLATE levels)
//   BENCH_WARM_UP_ROUNDS=8 npx tsx bench/hwpx.ts (the service row's warm-up; CONVERSION_WARM_UP_ROUNDS's default otherwise)
// Prints mean/p50/p99 per size, time per KB (flat when growth is linear),
// the same figures for kordoc's markdownToHwpx on the same input, side by
// side, and where the time goes for the 100-section report.
//
// Each measurement runs in a fresh process (warm-ups, then the timed
// runs), and the processes alternate between the converters round by round,
// so neither inherits the other's heap or JIT state and whatever else the
// machine is doing weighs on both alike.
import { spawnSync } from 'node:child_process'
import { loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import JSZip from 'jszip'
import { markdownToHwpx as kordocMarkdownToHwpx } from 'kordoc'
import { ENV_DEFAULTS } from '../src/config.js'
import { warmUpConverters } from '../src/generation/conversion-warm-up.js'
import { markdownToHwpx } from '../src/hwpx/index.js'
import { buildHeaderXml } from '../src/hwpx/header-xml.js'
import { writePackage } from '../src/hwpx/package-writer.js'
import { parseMarkdown } from '../src/hwpx/parse-markdown.js'
import { ReportTheme } from '../src/hwpx/report-theme.js'
import { buildSectionXml } from '../src/hwpx/section-xml.js'
import { tokensToBlocks } from '../src/hwpx/tokens-to-blocks.js'

const TOPICS = ['시장 현황', '경쟁 구도', '수요 전망', '규제 동향', '기술 동향', '재무 분석', '위험 요인', '실행 계획']

/** One report section of about 3 KB (UTF-8) using every construct the converter maps. */
function section (index: number): string {
  const topic = TOPICS[index % TOPICS.length] as string
  const year = 2020 + (index % 6)
  const lines = [
    `## ${index + 1}. ${topic} 분석 (${index + 1}부)`,
    '',
    `${topic}에 관한 본 절은 **핵심 지표**와 *정성적 평가*를 함께 다룬다. ${year}년 기준 시장 규모는 약 ${(index * 37) % 900 + 100}억 원으로 추정되며, ` +
      `전년 대비 ${(index * 7) % 30 + 3}.${index % 10}% 성장하였다. 세부 자료는 [통계 포털](https://kosis.kr/stat/${index})과 \`DATA-${index}\` 문서를 참고한다. ` +
      '이러한 추세는 정책 변화와 소비자 인식 개선이 맞물린 결과로 해석되며, 당분간 지속될 가능성이 높다.',
    '',
    `### ${index + 1}.1 세부 현황`,
    '',
    '주요 관찰 사항은 다음과 같다.',
    '',
    '- 수요 측면',
    '  - 수도권 집중 현상이 두드러진다',
    '    - 상위 3개 지역이 전체의 *58%* 차지',
    '  - 지방은 ~~정체~~ 완만한 회복세',
    '- 공급 측면: **대기업 진입** 가속',
    '- [x] 1차 조사 완료',
    '- [ ] 2차 조사 예정',
    '',
    '1. 단기 과제: 거점 확보',
    '2. 중기 과제: 운영 효율화',
    '   1. 예측 정비 도입',
    '   2. 결제 통합',
    '',
    `| 구분 | ${year - 1} | ${year} | 증감률 |`,
    '|:--|--:|--:|:-:|',
    `| 매출(억 원) | ${index * 3 + 120} | ${index * 3 + 150} | ${((30 / (index * 3 + 120)) * 100).toFixed(1)}% |`,
    `| 영업이익(억 원) | ${index + 10} | ${index + 14} | ${((4 / (index + 10)) * 100).toFixed(1)}% |`,
    `| 고객 수(천 명) | ${index * 5 + 200} | ${index * 5 + 260} | 상승 |`,
    '',
    `> 담당자 의견: "${topic}은(는) 하반기 전략 수립의 출발점이다."`,
    '',
    `#### ${index + 1}.1.1 산출 근거`,
    '',
    '추정에는 다음 식을 사용하였다.',
    '',
    '```python',
    `def estimate(base, growth=0.${(index % 9) + 1}):`,
    '    return base * (1 + growth)',
    '```',
    '',
    '가정이 달라지면 결과도 달라질 수 있으므로, 분기마다 실적과 비교하여 보정한다. 특히 단가와 가동률 가정은 민감도가 크므로 별도로 관리한다. ' +
      '보정 결과는 경영 회의에 보고하며, 차이가 10%를 넘으면 원인 분석 보고서를 작성한다.',
    '',
    `### ${index + 1}.2 시사점`,
    '',
    `${topic} 분석 결과는 세 가지 시사점을 준다. 첫째, 시장의 양적 성장은 이어지고 있으나 수익성은 지역과 사업 모델에 따라 크게 갈린다. ` +
      '둘째, 이용자 불만의 상당 부분이 설비 고장과 결제 불편에서 비롯되므로 운영 품질이 곧 경쟁력이다. ' +
      '셋째, 규제 환경이 빠르게 바뀌고 있어 요금 체계와 안전 기준 변화를 상시 점검하는 체계가 필요하다.',
    '',
    '이에 따라 다음과 같은 후속 조치를 권고한다. 우선 핵심 지표를 월 단위로 점검하는 대시보드를 구축하고, 지표가 목표 범위를 벗어나면 ' +
      '담당 부서가 2주 안에 개선 계획을 제출하도록 한다. 또한 협력사와의 계약 조건을 재검토하여 설비 가동률 보장 조항을 추가하고, ' +
      '고객 응대 채널을 통합하여 불만 접수부터 해결까지의 시간을 단축한다. 마지막으로 신규 거점 선정 시에는 교통량, 체류 시간, ' +
      '전력 인입 비용을 함께 고려하는 평가 모형을 적용하여 투자 효율을 높인다.',
    '',
    '| 조치 | 담당 | 기한 |',
    '|:--|:-:|--:|',
    '| 대시보드 구축 | 경영기획팀 | 2개월 |',
    '| 계약 조건 재검토 | 구매팀 | 3개월 |',
    '| 상담 채널 통합 | 고객경험팀 | 6개월 |',
    '',
    '---',
    ''
  ]
  return lines.join('\n')
}

function report (sections: number): string {
  return `# 2025년 시장 분석 종합 보고서\n\n**작성:** 전략기획실  \n**배포:** 사내 한정\n\n${Array.from({ length: sections }, (_, index) => section(index)).join('\n')}`
}

function percentile (sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] as number
}

interface Timings {
  /** Wall-clock milliseconds, sorted. */
  readonly wall: number[]
  /** CPU milliseconds of this process, robust to other load on the machine. */
  readonly cpu: number[]
}

type Converter = (markdown: string) => Promise<{ byteLength: number }>

const OPTIONS = { title: '벤치마크 보고서', date: new Date('2025-03-01T00:00:00Z') }
const CONVERTERS: Record<string, Converter> = {
  reportflow: async (markdown) => await markdownToHwpx(markdown, OPTIONS),
  kordoc: async (markdown) => await kordocMarkdownToHwpx(markdown),
  // Ours as the service runs it: a conversion thread warms up on its own sample report while Claude
  // writes (src/generation/conversion-warm-up.ts), then converts the report it has never seen.
  service: async (markdown) => await markdownToHwpx(markdown, OPTIONS)
}

interface Measurement extends Timings {
  readonly outputBytes: number
}

/** In a child process: one converter on one size, timed runs after the warm-ups. */
async function measureHere (name: string, sections: number, iterations: number): Promise<Measurement> {
  const convert = CONVERTERS[name] as Converter
  const markdown = report(sections)
  if (name === 'service') await warmUpConverters(Number(process.env.BENCH_WARM_UP_ROUNDS ?? ENV_DEFAULTS.CONVERSION_WARM_UP_ROUNDS))
  else for (let warmup = 0; warmup < warmups; warmup++) await convert(markdown)
  const result = { wall: [] as number[], cpu: [] as number[], outputBytes: 0 }
  for (let iteration = 0; iteration < iterations; iteration++) {
    const cpuStart = process.cpuUsage()
    const start = performance.now()
    result.outputBytes = (await convert(markdown)).byteLength
    result.wall.push(performance.now() - start)
    const used = process.cpuUsage(cpuStart)
    result.cpu.push((used.user + used.system) / 1000)
  }
  return result
}

/** Both converters on the same input, `rounds` fresh processes each, alternating. */
function measureSideBySide (sections: number, rounds: number, iterations: number): Record<string, Measurement> {
  const names = Object.keys(CONVERTERS)
  const results: Record<string, { wall: number[], cpu: number[], outputBytes: number }> = Object.fromEntries(names.map((name) => [name, { wall: [], cpu: [], outputBytes: 0 }]))
  for (let round = 0; round < rounds; round++) {
    // Who goes first alternates too.
    for (const name of round % 2 === 0 ? names : [...names].reverse()) {
      const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
        env: { ...process.env, BENCH_HWPX_CHILD: `${name}:${sections}:${iterations}` },
        encoding: 'utf8',
        maxBuffer: 1 << 20
      })
      if (child.status !== 0) throw new Error(`bench child ${name} failed: ${child.stderr}`)
      const measured = JSON.parse(child.stdout.trim().split('\n').at(-1) as string) as Measurement
      const result = results[name] as { wall: number[], cpu: number[], outputBytes: number }
      result.wall.push(...measured.wall)
      result.cpu.push(...measured.cpu)
      result.outputBytes = measured.outputBytes
    }
  }
  return Object.fromEntries(Object.entries(results).map(([name, result]) =>
    [name, { wall: result.wall.sort((a, b) => a - b), cpu: result.cpu.sort((a, b) => a - b), outputBytes: result.outputBytes }]))
}

const mean = (values: readonly number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length

/** CPU milliseconds per pipeline stage, averaged over `iterations` runs. */
async function stages (markdown: string, iterations: number): Promise<Record<string, number>> {
  const totals = { parse: 0, map: 0, xml: 0, zip: 0 }
  const cpuNow = (): number => {
    const { user, system } = process.cpuUsage()
    return (user + system) / 1000
  }
  for (let iteration = 0; iteration < iterations + 1; iteration++) {
    const t0 = cpuNow()
    const tokens = parseMarkdown(markdown)
    const t1 = cpuNow()
    const blocks = tokensToBlocks(tokens)
    const t2 = cpuNow()
    const theme = new ReportTheme()
    const sectionXml = buildSectionXml(blocks, theme, { runningHeader: '벤치마크 보고서' }).xml
    const headerXml = buildHeaderXml(theme, 1)
    const t3 = cpuNow()
    await writePackage({ version: '', header: headerXml, section: sectionXml, previewText: '', settings: '', containerRdf: '', contentHpf: '', container: '', manifest: '' }, null)
    const t4 = cpuNow()
    if (iteration === 0) continue // warm-up
    totals.parse += t1 - t0
    totals.map += t2 - t1
    totals.xml += t3 - t2
    totals.zip += t4 - t3
  }
  return {
    'parse (marked lexer)': totals.parse / iterations,
    'tokens → blocks': totals.map / iterations,
    'section + header XML (UTF-8)': totals.xml / iterations,
    'zip (zlib deflate + container)': totals.zip / iterations
  }
}

const ms = (value: number): string => value.toFixed(1).padStart(8)
const loads = (): string => loadavg().map((load) => load.toFixed(1)).join(' ')
const warmups = Number(process.env.BENCH_WARMUPS ?? 2)
const child = process.env.BENCH_HWPX_CHILD
if (child !== undefined) {
  const [name, sections, childIterations] = child.split(':')
  console.log(JSON.stringify(await measureHere(name as string, Number(sections), Number(childIterations))))
  process.exit(0)
}

const sizes = process.argv.slice(2).map(Number).filter((value) => value > 0)
const sectionCounts = sizes.length > 0 ? sizes : [25, 50, 100, 200]
const iterations = Number(process.env.BENCH_ITERATIONS ?? 4)
const rounds = Number(process.env.BENCH_ROUNDS ?? 4)

console.log(`node ${process.version}, ${rounds} fresh processes per size and converter (alternating), ${iterations} timed runs each after ${warmups} warm-ups, load average ${loads()}`)
console.log('sections | converter  |   size KB | mean ms |  p50 ms |  p99 ms | cpu ms | cpu ms/KB | output KB')
console.log('---------|------------|-----------|---------|---------|---------|--------|-----------|----------')
for (const count of sectionCounts) {
  const kilobytes = Buffer.byteLength(report(count)) / 1024
  for (const [name, { wall, cpu, outputBytes }] of Object.entries(measureSideBySide(count, rounds, iterations))) {
    const cells = [mean(wall), percentile(wall, 0.5), percentile(wall, 0.99)].map((value) => value.toFixed(1).padStart(7))
    console.log(`${String(count).padStart(8)} | ${name.padEnd(10)} | ${kilobytes.toFixed(1).padStart(9)} | ${cells.join(' | ')} | ${mean(cpu).toFixed(1).padStart(6)} | ${(mean(cpu) / kilobytes).toFixed(2).padStart(9)} | ${(outputBytes / 1024).toFixed(0).padStart(9)}`)
  }
}
console.log(`load average at the end: ${loads()}`)

const stageReport = report(100)
console.log(`\nwhere the time goes (100 sections, ${(Buffer.byteLength(stageReport) / 1024).toFixed(0)} KB, mean CPU ms of ${Math.max(iterations, 10)}):`)
for (const [stage, time] of Object.entries(await stages(stageReport, Math.max(iterations, 10)))) {
  console.log(`  ${stage.padEnd(28)} ${ms(time)}`)
}

if (process.env.BENCH_ZIP_LEVELS === '1') {
  // Compressed size against CPU time for the 100-section report's parts.
  const theme = new ReportTheme()
  const sectionXml = buildSectionXml(tokensToBlocks(parseMarkdown(stageReport)), theme, { runningHeader: '벤치마크 보고서' }).xml
  const headerXml = buildHeaderXml(theme, 1)
  console.log(`\nzip, DEFLATE level: CPU ms (mean of ${iterations}) and size, section0.xml ${(sectionXml.byteLength / 1024).toFixed(0)} KB`)
  for (const level of [1, 2, 3, 4, 6, 9]) {
    let bytes = 0
    let total = 0
    for (let iteration = 0; iteration < iterations + 1; iteration++) {
      const start = process.cpuUsage()
      // What writePackage does per part: one native gzip call (DEFLATE + CRC-32).
      bytes = gzipSync(sectionXml, { level }).length + gzipSync(Buffer.from(headerXml), { level }).length
      const used = process.cpuUsage(start)
      if (iteration > 0) total += (used.user + used.system) / 1000
    }
    console.log(`  level ${level}  ${ms(total / iterations)} ms  ${(bytes / 1024).toFixed(1).padStart(7)} KB`)
  }
  // The same two parts through jszip's public API (pako, in JavaScript):
  // why the package writer deflates with zlib and writes the container itself.
  for (const level of [1, 3]) {
    let bytes = 0
    let total = 0
    for (let iteration = 0; iteration < iterations + 1; iteration++) {
      const start = process.cpuUsage()
      const zip = new JSZip()
      zip.file('Contents/header.xml', headerXml)
      zip.file('Contents/section0.xml', sectionXml)
      bytes = (await zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE', compressionOptions: { level } })).length
      const used = process.cpuUsage(start)
      if (iteration > 0) total += (used.user + used.system) / 1000
    }
    console.log(`  jszip level ${level}  ${ms(total / iterations)} ms  ${(bytes / 1024).toFixed(1).padStart(7)} KB`)
  }
}
