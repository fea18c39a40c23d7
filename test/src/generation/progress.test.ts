import t from 'tap'
import { ProgressTracker } from '../../../src/generation/progress.js'

const sections = ['요약', '시장 분석', '기술 동향', '결론 및 제언'].map((title, i) => ({ title, description: '', order: i + 1 }))

t.test('planned headings move progress through the writing range, in order only', async (t) => {
  let clock = 1_000_000
  const tracker = new ProgressTracker(sections, () => clock, 1500)
  const title = '# 보고서 제목\n\n'
  t.equal(tracker.push(title), undefined, 'the title is not a section')
  const firstHeading = '## 1. 요약\n'
  const first = tracker.push(firstHeading)
  t.same(first, { progress_percent: 10, current_step: "'요약' 작성 중 (1/4)", estimated_completion: null }, 'no ETA before a section is done')
  clock += 4000
  const body = `${'가'.repeat(400)}\n본문 ## 시장 분석 은 제목이 아님\n`
  t.equal(tracker.push(body), undefined, 'only heading lines count')
  const second = tracker.push('## 시장')
  t.equal(second, undefined, 'a heading split across pieces waits for its line end')
  const completed = tracker.push(' 분석\n')
  t.match(completed, { progress_percent: 28, current_step: "'시장 분석' 작성 중 (2/4)" })
  const received = title.length + firstHeading.length + body.length + '## 시장 분석\n'.length
  const sectionChars = body.length + '## 시장 분석\n'.length
  t.equal(completed!.estimated_completion, new Date(clock + sectionChars * 3 / (received / 4000) + 1500).toISOString(),
    'three more sections as long as the first, at the pace so far, and the finishing time')
  t.equal(tracker.push('## 요약\n'), undefined, 'an earlier section never moves progress back')
  clock += 1000
  t.match(tracker.push('### **결론 및 제언**\n'), { progress_percent: 63, current_step: "'결론 및 제언' 작성 중 (4/4)" }, 'skipping ahead is fine')
})

t.test('a plan without sections moves progress by length and never past the range', async (t) => {
  const tracker = new ProgressTracker([])
  t.match(tracker.push('x'.repeat(4000)), { progress_percent: 45, current_step: '보고서 작성 중' })
  t.match(tracker.push('x'.repeat(100_000)), { progress_percent: 77 })
})

t.test('between headings progress rises with the text received, with an ETA from the pace once a section is finished', async (t) => {
  let clock = 1_000_000
  const tracker = new ProgressTracker(sections, () => clock)
  t.equal(tracker.estimate(), undefined, 'nothing before the first section')
  tracker.push('## 요약\n')
  clock += 1000
  tracker.push('가'.repeat(600))
  const half = tracker.estimate()!
  t.ok(half.progress_percent! > 10 && half.progress_percent! < 28, `moves within the first section (${half.progress_percent})`)
  t.equal(half.estimated_completion, null, 'no ETA while the first section\'s length is a guess')
  tracker.push('\n## 시장 분석\n')
  clock += 1000
  tracker.push('나'.repeat(300))
  const next = tracker.estimate()!
  t.ok(next.progress_percent! > 28 && next.progress_percent! < 45, `the finished section's length is the yardstick (${next.progress_percent})`)
  t.ok(Date.parse(next.estimated_completion!) > clock, 'an ETA from the characters per second')
  tracker.push('나'.repeat(10_000))
  t.ok(tracker.estimate()!.progress_percent! < 45, 'never past the next heading')
})

t.test('a very long planned heading is cut short in current_step, so the progress NOTIFY stays under 8 000 bytes', async (t) => {
  const long = '디지털 전환에 따른 시장 구조 변화'.repeat(200)
  const tracker = new ProgressTracker([{ title: long, description: '', order: 1 }, { title: '결론', description: '', order: 2 }])
  const step = tracker.push(`## ${long}\n`)!.current_step!
  t.equal(step, `'${Array.from(long).slice(0, 99).join('')}…' 작성 중 (1/2)`)
  t.ok(Buffer.byteLength(step) < 1000, `${Buffer.byteLength(step)} bytes`)
  t.equal(tracker.push('## 결론\n')!.current_step, "'결론' 작성 중 (2/2)", 'a short title stays whole')
})
