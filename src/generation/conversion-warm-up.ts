import { markdownToDocx } from '../docx/index.js'
import { markdownToHwpx, type HwpxOptions } from '../hwpx/index.js'

/**
 * A short report in the shape Claude writes them, with every construct the converters map, so that
 * converting it runs the same code paths a real report does.
 */
function warmUpSection (index: number): string {
  return [
    `## ${index + 1}. 시장 현황 분석`,
    '',
    `본 절은 **핵심 지표**와 *정성적 평가*를 함께 다룬다. ${2020 + index}년 시장 규모는 약 ${120 + index * 7}억 원으로, ` +
      `전년 대비 ${3 + index}.5% 성장하였다. 자세한 자료는 [통계 포털](https://kosis.kr/stat/${index})과 \`DATA-${index}\` 문서를 참고한다.[^${index + 1}]`,
    '',
    `### ${index + 1}.1 세부 현황`,
    '',
    '- 수요 측면',
    '  - 수도권 집중 현상이 *58%*에 이른다',
    '- 공급 측면: ~~정체~~ 완만한 회복세',
    '- [x] 1차 조사 완료',
    '',
    '7. 단기 과제: 거점 확보',
    '8. 중기 과제: 운영 효율화',
    '',
    '| 구분 | 2024 | 2025 | 증감률 |',
    '|:--|--:|--:|:-:|',
    `| 매출(억 원) | ${120 + index} | ${150 + index} | 25.0% |`,
    `| 고객 수(천 명) | ${200 + index} | ${260 + index} | 상승 |`,
    '',
    '> 담당자 의견: 하반기 전략 수립의 출발점이다. <span>강조</span> &amp; 비고',
    '',
    '```python',
    'def estimate(base, growth=0.1):',
    '    return base * (1 + growth)',
    '```',
    '',
    '---',
    '',
    `[^${index + 1}]: 한국은행 경제통계시스템, ${2020 + index}년 자료.`,
    ''
  ].join('\n')
}

const WARM_UP_REPORT = `# 예열용 보고서\n\n${Array.from({ length: 24 }, (_, index) => warmUpSection(index)).join('\n')}`
const WARM_UP_OPTIONS: HwpxOptions = { title: '예열용 보고서', date: new Date(0) }

/**
 * Converts the sample report to HWPX `rounds` times, and to DOCX once. A thread's first conversions
 * run on code V8 has not optimised yet: a 25-section report's HWPX took 108 ms as a new thread's
 * first conversion and 42 ms after this warm-up (kordoc, converting it in a new process: 79 ms;
 * BENCHMARKS.md). A DOCX conversion costs about ten HWPX ones (the library builds an object tree),
 * so it runs once. Done while Claude is still writing, the cost is out of the report's way.
 */
export async function warmUpConverters (rounds: number): Promise<void> {
  for (let round = 0; round < rounds; round++) await markdownToHwpx(WARM_UP_REPORT, WARM_UP_OPTIONS)
  if (rounds > 0) await markdownToDocx(WARM_UP_REPORT, WARM_UP_OPTIONS)
}
