// test-database: postgres
import { Value } from '@sinclair/typebox/value'
import t from 'tap'
import { eq, sql } from 'drizzle-orm'
import { aiUsage, topics } from '../../src/db/schema.js'
import { PlanStreamEventSchema } from '../../src/schemas/plan.js'
import { buildApp } from '../../app.js'
import { bearer, buildTestApp, listenOnLoopback, sharedTestDatabase, testConfig } from '../support/app.js'
import { TEST_DATABASE_URL } from '../support/database.js'
import {
  anthropicEnv, outlineToolInput, SAMPLE_OUTLINE, SAMPLE_OUTLINES, SPEED_PROFILES, startFakeAnthropic, type PlanBehavior
} from '../support/fake-anthropic.js'
import { waitUntil } from '../support/generation.js'
import { captureLog } from '../support/log-capture.js'
import { openSse } from '../support/sse.js'

/** The spec's budget; the fake's slow answers take 5 s, so passing means the fallback answered. */
const PLAN_BUDGET_MS = 2000
/**
 * What a loaded test machine may add to an answer's round trip on top of the budget: tests share two
 * cores with browsers and databases. The fake's failures take 5 s (then as long again to write) or
 * forever, so an answer inside budget + margin still proves the deadline fired.
 */
const SCHEDULING_MARGIN_MS = 2000
/**
 * The tests of the deadline run with the product's budget (the test apps' default is relaxed). How
 * long a request may queue before it is turned away is the shedding test's subject; elsewhere a
 * loaded machine's late start must not turn a request away (the wait must stay under the budget).
 */
const productBudget = { PLAN_BUDGET_MS: String(PLAN_BUDGET_MS), PLAN_MAX_QUEUE_WAIT_MS: '1900' }

type TestApp = Awaited<ReturnType<typeof buildTestApp>>

async function timedPlan (app: TestApp, user: string, payload: unknown) {
  const startedAt = performance.now()
  const res = await app.inject({ method: 'POST', url: '/api/topics/plan', headers: bearer(user), payload: payload as object })
  return { res, elapsedMs: performance.now() - startedAt }
}

function planEvent (data: string): any {
  const event = JSON.parse(data)
  if (!Value.Check(PlanStreamEventSchema, event)) throw new Error(`a plan stream event is not a PlanStreamEvent: ${data}`)
  return event
}

/** Reads the topic's plan stream to its end: the saved draft, each description, the saved result — each of the documented shape. */
async function planStream (app: TestApp, user: string, topicId: number) {
  const res = await app.inject({ method: 'GET', url: `/api/topics/${topicId}/plan/stream`, headers: bearer(user) })
  const events = res.body.split('\n\n').flatMap((block) => block.startsWith('data: ') ? [planEvent(block.slice(6))] : [])
  return { res, events }
}

/**
 * The plan stream on a real connection, read as it comes: the first event proves the stream is
 * following the draft before the test goes on.
 */
async function openPlanStream (url: string, user: string, topicId: number) {
  const stream = await openSse(`${url}/api/topics/${topicId}/plan/stream`, bearer(user))
  return {
    first: async () => planEvent((await stream.nextMessage(10_000))?.data ?? 'null'),
    rest: async () => (await stream.rest(15_000)).flatMap((frame) => frame.type === 'message' && frame.data !== undefined ? [planEvent(frame.data)] : [])
  }
}

t.test('TC-PLAN-001: Claude\'s section titles answer at once; the descriptions follow into the saved draft', async (t) => {
  const fake = await startFakeAnthropic(t)
  const app = await buildTestApp(t, { env: { ...anthropicEnv(fake), ...productBudget } })
  const { res, elapsedMs } = await timedPlan(app, 'plan-alice', { topic: '  2026 디지털뱅킹 트렌드 분석  ', template_id: 1 })
  t.equal(res.statusCode, 200)
  t.ok(elapsedMs < PLAN_BUDGET_MS + SCHEDULING_MARGIN_MS, `answered in ${Math.round(elapsedMs)} ms`)
  const data = res.json().data
  t.equal(data.source, 'llm')
  t.equal(data.plan_version, 1)
  t.equal(data.estimated_sections_count, SAMPLE_OUTLINE.sections.length)
  t.same(data.sections.map((s: { title: string }) => s.title), SAMPLE_OUTLINE.sections.map((s) => s.title))
  t.same(data.sections.map((s: { order: number }) => s.order), [1, 2, 3, 4, 5])
  t.match(data.plan, /^# 2026 디지털뱅킹 트렌드 분석\n\n## 요약\n/, 'the title is the topic')

  const { res: streamRes, events } = await planStream(app, 'plan-alice', data.topic_id)
  t.match(streamRes.headers['content-type'], /^text\/event-stream/)
  const last = events.at(-1)
  t.match(last, { event: 'plan', refining: false, topic_id: data.topic_id })
  t.same(last.sections, SAMPLE_OUTLINE.sections.map((s, i) => ({ title: s.title, description: s.description, order: i + 1 })))
  t.match(last.plan, /^# 2026 디지털뱅킹 트렌드 분석\n\n## 요약\n\n핵심 결론과 시사점: 디지털 전환 가속과 규제 변화\n\n## 배경 및 목적\n/)

  const [row] = await app.db.select().from(topics).where(eq(topics.id, data.topic_id))
  t.match(row, { userId: 'plan-alice', topic: '2026 디지털뱅킹 트렌드 분석', templateId: 1, status: 'planned', plan: last.plan, planVersion: last.version })
  t.same(row!.planSections, last.sections)
  const usage = await app.db.select().from(aiUsage).where(eq(aiUsage.topicId, data.topic_id))
  t.match(usage, [{ purpose: 'plan', model: 'claude-haiku-4-5', inputTokens: 321 }])
  t.ok(usage[0]!.outputTokens > 50, 'the whole outline\'s tokens')
})

t.test('the template guide reaches Claude as a cached system prompt with a forced, streamed tool call', async (t) => {
  const fake = await startFakeAnthropic(t)
  const app = await buildTestApp(t, { env: { ...anthropicEnv(fake), CLAUDE_PLAN_MODEL: 'claude-test-planner' } })
  const created = await app.inject({
    method: 'POST',
    url: '/api/templates',
    headers: bearer('plan-guide'),
    payload: { name: '특수 가이드', prompt_system: 'GUIDE-MARKER: 반드시 위험 요인 섹션을 포함하라' }
  })
  const templateId = created.json().data.id
  const { res } = await timedPlan(app, 'plan-guide', { topic: '반도체 공급망', template_id: templateId })
  t.equal(res.statusCode, 200)
  const [request] = fake.planRequests()
  t.ok(request, 'Claude was called')
  const { body, headers } = request!
  t.equal(body.model, 'claude-test-planner')
  t.equal(body.stream, true, 'streamed')
  t.ok(headers['x-api-key'] === 'sk-ant-test' || headers.authorization === 'Bearer sk-ant-test', 'the API key is sent')
  const system = body.system as Array<{ text: string, cache_control?: { type: string } }>
  t.match(system[0]!.text, 'GUIDE-MARKER: 반드시 위험 요인 섹션을 포함하라')
  t.same(system[0]!.cache_control, { type: 'ephemeral' })
  t.match(body.messages[0]!.content, '반도체 공급망')
  const [tool] = body.tools!
  t.same(body.tool_choice, { type: 'tool', name: tool!.name })
  t.match(tool, { strict: true, eager_input_streaming: true })
  t.same(Object.keys((tool!.input_schema as { properties: object }).properties), ['section_titles', 'descriptions'], 'the section titles are written first')
  t.ok(body.max_tokens <= 2000, 'a compact output budget')
  t.equal(res.json().data.source, 'llm')
})

t.test('the default template is used when template_id is missing or null', async (t) => {
  const fake = await startFakeAnthropic(t)
  const app = await buildTestApp(t, { env: anthropicEnv(fake) })
  for (const payload of [{ topic: 'x' }, { topic: 'y', template_id: null }]) {
    const { res } = await timedPlan(app, 'plan-default', payload)
    t.equal(res.statusCode, 200)
  }
  for (const request of fake.planRequests()) {
    t.match((request.body.system as Array<{ text: string }>)[0]!.text, '결론 및 제언')
  }
})

t.test('ten plans at once are each answered from the section titles while the descriptions are still being written: every one is Claude\'s own', async (t) => {
  const fake = await startFakeAnthropic(t)
  // Every description is held until all ten are answered: a plan that waited for the whole
  // outline would wait past the model's deadline and come from the template.
  let release!: () => void
  const answered = new Promise<void>((resolve) => { release = resolve })
  fake.planBehaviors = SAMPLE_OUTLINES.map((outline): PlanBehavior => {
    const input = JSON.stringify(outlineToolInput(outline))
    return { kind: 'outline', input, holdAfterChars: input.indexOf('"descriptions"'), until: answered }
  })
  // The model's deadline at its longest, and room around it for ten requests on a loaded machine:
  // the product's 2 s is the deadline test's subject (and BENCHMARKS.md's at Claude's real pace).
  const app = await buildTestApp(t, {
    env: { ...anthropicEnv(fake), PLAN_LLM_TIMEOUT_MS: String(PLAN_BUDGET_MS + SCHEDULING_MARGIN_MS - 500), PLAN_BUDGET_MS: String(PLAN_BUDGET_MS + SCHEDULING_MARGIN_MS), PLAN_MAX_QUEUE_WAIT_MS: '2000' }
  })
  const results = await Promise.all(SAMPLE_OUTLINES.map((outline) => timedPlan(app, 'plan-sample', { topic: outline.title })))
  release()
  t.same(results.map(({ res }) => res.statusCode), results.map(() => 200))
  const plans = results.map(({ res }) => res.json().data)
  t.same(plans.map((plan) => [plan.source, plan.refining]), plans.map(() => ['llm', true]), 'all from Claude, still being described')
  // Requests reach the fake in any order, so each answer is matched to the sample it was given.
  const samples = SAMPLE_OUTLINES.map((outline) => JSON.stringify(outline.sections.map((section) => section.title)))
  const titles = plans.map((plan) => JSON.stringify(plan.sections.map((section: { title: string }) => section.title)))
  t.ok(titles.every((list) => samples.includes(list)), 'each is the complete list of one sample\'s sections')
  t.equal(new Set(titles).size, plans.length, 'each a different sample')
})

const failures: Array<[string, PlanBehavior]> = [
  ['slow (5 s)', { kind: 'outline', delayMs: 5000 }],
  ['never answers', { kind: 'hang' }],
  ['429', { kind: 'status', status: 429, errorType: 'rate_limit_error' }],
  ['500', { kind: 'status', status: 500 }],
  ['529 overloaded', { kind: 'status', status: 529 }],
  ['malformed event stream', { kind: 'malformed' }],
  ['malformed tool input', { kind: 'outline', input: '{"section_titles": ["요약", 배경' }],
  ['prose instead of a tool call', { kind: 'text-only' }],
  ['too few sections', { kind: 'outline', input: { section_titles: ['only one'], descriptions: ['x'] } }],
  ['stream dropped before the section titles end', { kind: 'outline', failAfterChars: 25, failWith: 'disconnect' }],
  ['overloaded in mid-stream', { kind: 'outline', failAfterChars: 25, failWith: 'overloaded' }]
]

t.test('every Claude failure falls back to the template outline within the budget', async (t) => {
  const fake = await startFakeAnthropic(t, { speed: SPEED_PROFILES.typical })
  const app = await buildTestApp(t, { env: { ...anthropicEnv(fake), ...productBudget } })
  for (const [index, [name, behavior]] of failures.entries()) {
    fake.planBehaviors.push(behavior)
    const before = fake.planRequests().length
    const { res, elapsedMs } = await timedPlan(app, `plan-fallback-${index}`, { topic: '2026 디지털뱅킹 트렌드 분석' })
    t.equal(res.statusCode, 200, name)
    t.ok(elapsedMs < PLAN_BUDGET_MS + SCHEDULING_MARGIN_MS, `${name}: answered in ${Math.round(elapsedMs)} ms`)
    const data = res.json().data
    t.equal(data.source, 'template', name)
    t.equal(data.refining, false, name)
    t.same(data.sections.map((s: { title: string }) => s.title),
      ['요약', '배경 및 목적', '현황 분석', '핵심 이슈와 과제', '전망과 기회', '결론 및 제언'], name)
    t.equal(fake.planRequests().length - before, 1, `${name}: no retries inside the budget`)
    const usage = await app.db.select().from(aiUsage).where(eq(aiUsage.topicId, data.topic_id))
    t.equal(usage.length, 0, `${name}: no usage recorded for a fallback`)
  }
})

t.test('a stream that breaks after the section titles keeps Claude\'s plan and the descriptions that arrived', async (t) => {
  const fake = await startFakeAnthropic(t)
  const input = JSON.stringify({ section_titles: ['개요', '현황', '전망'], descriptions: ['개요 설명', '현황 설명', '전망 설명'] })
  fake.planBehaviors.push({ kind: 'outline', input, failAfterChars: input.indexOf('현황 설명') + 8, failWith: 'disconnect' })
  const app = await buildTestApp(t, { env: anthropicEnv(fake) })
  const { res } = await timedPlan(app, 'plan-dropped', { topic: '끊긴 스트림' })
  t.match(res.json().data, { source: 'llm', refining: true })
  const { events } = await planStream(app, 'plan-dropped', res.json().data.topic_id)
  t.same(events.at(-1).sections, [
    { title: '개요', description: '개요 설명', order: 1 },
    { title: '현황', description: '현황 설명', order: 2 },
    { title: '전망', description: '', order: 3 }
  ])
  const usage = await app.db.select().from(aiUsage).where(eq(aiUsage.topicId, res.json().data.topic_id))
  t.equal(usage.length, 0, 'no usage without the message\'s end')
})

t.test('the user\'s edits survive the descriptions Claude writes afterwards', async (t) => {
  const fake = await startFakeAnthropic(t)
  // The descriptions are held until the edit is saved.
  const input = JSON.stringify(outlineToolInput(SAMPLE_OUTLINE))
  let release!: () => void
  fake.planBehaviors.push({ kind: 'outline', input, holdAfterChars: input.indexOf('"descriptions"'), until: new Promise<void>((resolve) => { release = resolve }) })
  const app = await buildTestApp(t, { env: anthropicEnv(fake) })
  const { url } = await listenOnLoopback(app)
  const { res } = await timedPlan(app, 'plan-editor', { topic: SAMPLE_OUTLINE.title })
  const planned = res.json().data
  t.match(planned, { source: 'llm', refining: true, plan_version: 1 })

  const stream = await openPlanStream(url, 'plan-editor', planned.topic_id)
  t.match(await stream.first(), { event: 'plan', refining: true }, 'the stream follows the draft while Claude describes it')
  const edited = [
    `# ${SAMPLE_OUTLINE.title} (수정)`,
    '## 요약', '내가 쓴 요약입니다.', '- 내 핵심 포인트',
    '## 시장과 경쟁', // renamed from 시장 분석
    '## 배경 및 목적', // moved below
    '## 새 섹션', '직접 추가한 섹션',
    '## 결론 및 제언' // 기술 동향 deleted
  ].join('\n\n') + '\n'
  const saved = await app.inject({ method: 'PUT', url: `/api/topics/${planned.topic_id}/plan`, headers: bearer('plan-editor'), payload: { plan: edited } })
  t.equal(saved.statusCode, 200)
  t.match(saved.json().data, { topic_id: planned.topic_id, version: 2, plan: edited })
  release()

  const events = await stream.rest()
  t.ok(events.filter((e) => e.event === 'section').length >= 1, 'descriptions were pushed as they were written')
  const final = events.at(-1)
  t.match(final, { event: 'plan', refining: false, version: 3 })
  const description = (title: string) => SAMPLE_OUTLINE.sections.find((s) => s.title === title)!.description
  t.same(final.sections, [
    { title: '요약', description: '내가 쓴 요약입니다.', order: 1 },
    { title: '시장과 경쟁', description: '', order: 2 },
    { title: '배경 및 목적', description: description('배경 및 목적'), order: 3 },
    { title: '새 섹션', description: '직접 추가한 섹션', order: 4 },
    { title: '결론 및 제언', description: description('결론 및 제언'), order: 5 }
  ])
  t.match(final.plan, `# ${SAMPLE_OUTLINE.title} (수정)\n\n## 요약\n\n내가 쓴 요약입니다.\n\n- 내 핵심 포인트\n\n## 시장과 경쟁\n\n## 배경 및 목적\n\n${description('배경 및 목적')}`)
  const detail = await app.inject({ method: 'GET', url: `/api/topics/${planned.topic_id}`, headers: bearer('plan-editor') })
  t.equal(detail.json().data.plan, final.plan, 'the saved draft')
  const { outline } = detail.json().data
  t.equal(outline.title, `${SAMPLE_OUTLINE.title} (수정)`, 'the editor\'s outline has the title')
  t.same(outline.sections.map((section: { title: string }) => section.title), final.sections.map((section: { title: string }) => section.title))
  t.equal(outline.sections[0].body, '내가 쓴 요약입니다.\n\n- 내 핵심 포인트', 'a section\'s body is all its text, key points too')
  t.equal(outline.sections[2].body, description('배경 및 목적'))
})

t.test('planning a topic again while its first plan is refined: the first refinement stops, the second is followed to its end', async (t) => {
  const fake = await startFakeAnthropic(t)
  const sectionTitles = ['개요', '현황', '전망']
  const outline = (descriptions: string[]) => JSON.stringify({ section_titles: sectionTitles, descriptions })
  const first = outline(['옛 개요 설명', '옛 현황 설명', '옛 전망 설명'])
  const second = outline(['새 개요 설명', '새 현황 설명', '새 전망 설명'])
  let releaseFirst!: () => void
  let releaseSecond!: () => void
  fake.planBehaviors.push(
    { kind: 'outline', input: first, holdAfterChars: first.indexOf('descriptions'), until: new Promise<void>((resolve) => { releaseFirst = resolve }) },
    { kind: 'outline', input: second, holdAfterChars: second.indexOf('descriptions'), until: new Promise<void>((resolve) => { releaseSecond = resolve }) }
  )
  const app = await buildTestApp(t, { env: anthropicEnv(fake) })
  const { url } = await listenOnLoopback(app)
  const once = await timedPlan(app, 'plan-again', { topic: '다시 계획' })
  const again = await timedPlan(app, 'plan-again', { topic: '다시 계획' })
  t.match(once.res.json().data, { source: 'llm', refining: true })
  t.match(again.res.json().data, { source: 'llm', refining: true, topic_id: once.res.json().data.topic_id }, 'the same draft')
  const topicId = again.res.json().data.topic_id

  // Were the first refinement still running, its end would now be heard.
  releaseFirst()
  await new Promise((resolve) => setTimeout(resolve, 300))
  const stream = await openPlanStream(url, 'plan-again', topicId)
  t.match(await stream.first(), { event: 'plan', refining: true }, 'the second refinement is still followed')
  releaseSecond()
  const final = (await stream.rest()).at(-1)
  t.match(final, { event: 'plan', refining: false })
  t.same(final.sections.map((section: { description: string }) => section.description), ['새 개요 설명', '새 현황 설명', '새 전망 설명'],
    'only the second refinement\'s descriptions are saved')
})

t.test('a refinement whose save waited while its topic was planned again leaves the new plan to its own refinement', {
  // PGlite's one connection cannot hold another topic's row while this topic's plan is saved.
  skip: !TEST_DATABASE_URL && 'needs PostgreSQL, whose row locks hold one save while another runs'
}, async (t) => {
  const fake = await startFakeAnthropic(t)
  const outline = (descriptions: string[]) => JSON.stringify({ section_titles: ['개요', '현황', '전망'], descriptions })
  const held = (descriptions: string[]) => {
    const input = outline(descriptions)
    let release!: () => void
    fake.planBehaviors.push({ kind: 'outline', input, holdAfterChars: input.indexOf('descriptions'), until: new Promise<void>((resolve) => { release = resolve }) })
    return () => release()
  }
  const releaseOther = held(['다른 개요', '다른 현황', '다른 전망'])
  const releaseFirst = held(['옛 개요 설명', '옛 현황 설명', '옛 전망 설명'])
  const releaseSecond = held(['새 개요 설명', '새 현황 설명', '새 전망 설명'])
  const app = await buildTestApp(t, { env: anthropicEnv(fake) })
  const { url } = await listenOnLoopback(app)
  const other = (await timedPlan(app, 'plan-queued', { topic: '먼저 저장될 계획' })).res.json().data.topic_id
  const topicId = (await timedPlan(app, 'plan-queued', { topic: '기다린 계획' })).res.json().data.topic_id

  // The other topic's row, held, keeps its save running and the first refinement's save queued behind it.
  let releaseRow!: () => void
  let rowLocked!: () => void
  const locked = new Promise<void>((resolve) => { rowLocked = resolve })
  const holding = app.db.transaction(async (tx) => {
    await tx.execute(sql`select id from topics where id = ${other} for update`)
    rowLocked()
    await new Promise<void>((resolve) => { releaseRow = resolve })
  })
  await locked
  releaseOther()
  await new Promise((resolve) => setTimeout(resolve, 300))
  releaseFirst()
  await new Promise((resolve) => setTimeout(resolve, 300))
  const again = await timedPlan(app, 'plan-queued', { topic: '기다린 계획' })
  t.match(again.res.json().data, { source: 'llm', refining: true, topic_id: topicId }, 'planned again while the first save waits')
  releaseRow()
  await holding
  await new Promise((resolve) => setTimeout(resolve, 300))

  const stream = await openPlanStream(url, 'plan-queued', topicId)
  t.match(await stream.first(), { event: 'plan', refining: true }, 'the second refinement is still followed')
  releaseSecond()
  const final = (await stream.rest()).at(-1)
  t.match(final, { event: 'plan', refining: false })
  t.same(final.sections.map((section: { description: string }) => section.description), ['새 개요 설명', '새 현황 설명', '새 전망 설명'],
    'only the second refinement\'s descriptions are saved')
})

t.test('a topic deleted while the model describes its plan: nothing is saved, and nothing is logged as failed', async (t) => {
  const fake = await startFakeAnthropic(t)
  const input = JSON.stringify({ section_titles: ['개요', '현황', '전망'], descriptions: ['개요 설명', '현황 설명', '전망 설명'] })
  let release!: () => void
  fake.planBehaviors.push({ kind: 'outline', input, holdAfterChars: input.indexOf('descriptions'), until: new Promise<void>((resolve) => { release = resolve }) })
  const { stream, records: logs } = captureLog()
  const app = await buildApp({ config: testConfig(anthropicEnv(fake)), database: await sharedTestDatabase(), logger: { level: 'info', stream } })
  t.teardown(() => app.close())
  const { url } = await listenOnLoopback(app)
  const { res } = await timedPlan(app, 'plan-deleted', { topic: '지워질 계획' })
  const topicId = res.json().data.topic_id
  const following = await openPlanStream(url, 'plan-deleted', topicId)
  t.match(await following.first(), { event: 'plan', refining: true }, 'the refinement is followed when the topic goes')
  const deleted = await app.inject({ method: 'DELETE', url: `/api/topics/${topicId}`, headers: bearer('plan-deleted') })
  t.equal(deleted.statusCode, 200)
  release()
  t.notOk((await following.rest()).some((event) => event.event === 'plan' && !event.refining), 'no saved draft to send')
  t.same(logs.filter((line) => line.level >= 50).map((line) => line.msg), [], 'no error logged')
})

t.test('a plan whose save fails stops the model still describing it', async (t) => {
  // Slow enough that the descriptions are still being sent when the client stops listening.
  const fake = await startFakeAnthropic(t, { speed: { firstTokenMs: 0, tokensPerSecond: 40, syllablesPerToken: 1 } })
  const input = JSON.stringify({ section_titles: ['개요', '현황', '전망'], descriptions: ['개요 설명입니다', '현황 설명입니다', '전망 설명입니다'] })
  let release!: () => void
  fake.planBehaviors.push({ kind: 'outline', input, holdAfterChars: input.indexOf('descriptions'), until: new Promise<void>((resolve) => { release = resolve }) })
  const app = await buildTestApp(t, { env: anthropicEnv(fake) })
  await app.db.execute(sql`create function refuse_topic() returns trigger language plpgsql as $$
    begin if new.topic = '저장되지 않는 계획' then raise exception 'refused'; end if; return new; end $$`)
  await app.db.execute(sql`create trigger refuse_topic before insert on topics for each row execute function refuse_topic()`)
  t.teardown(async () => {
    await app.db.execute(sql`drop trigger refuse_topic on topics`)
    await app.db.execute(sql`drop function refuse_topic()`)
  })
  const { res } = await timedPlan(app, 'plan-unsaved', { topic: '저장되지 않는 계획' })
  t.equal(res.statusCode, 500, JSON.stringify(res.json()))
  t.equal(fake.planRequests().length, 1, 'the model was asked')
  release()
  t.equal(await fake.planRequests()[0]!.finished, false, 'the model\'s answer was dropped before its end')
})

t.test('saving a plan: a 400 without sections, a 404 for someone else\'s topic, a 409 while generating', async (t) => {
  const app = await buildTestApp(t)
  const { res } = await timedPlan(app, 'plan-saver', { topic: '저장 시험' })
  const topicId = res.json().data.topic_id
  const put = (user: string, payload: unknown) =>
    app.inject({ method: 'PUT', url: `/api/topics/${topicId}/plan`, headers: bearer(user), payload: payload as object })
  const noSections = await put('plan-saver', { plan: '# 제목만' })
  t.equal(noSections.statusCode, 400)
  t.match(noSections.json().error, { code: 'VALIDATION_ERROR', message: /섹션/ })
  t.equal((await put('plan-saver', { plan: 7 })).statusCode, 400)
  t.equal((await put('plan-other', { plan: '# x\n\n## y\n' })).statusCode, 404)
  const stream = await app.inject({ method: 'GET', url: `/api/topics/${topicId}/plan/stream`, headers: bearer('plan-other') })
  t.equal(stream.statusCode, 404)
  await app.db.update(topics).set({ status: 'generating' }).where(eq(topics.id, topicId))
  const busy = await put('plan-saver', { plan: '# x\n\n## y\n' })
  t.equal(busy.statusCode, 409)
  t.match(busy.json().error, { code: 'CONFLICT', message: /생성/ })
  await app.db.update(topics).set({ status: 'planned' }).where(eq(topics.id, topicId))
  const { events } = await planStream(app, 'plan-saver', topicId)
  t.match(events, [{ event: 'plan', refining: false, version: 1 }], 'no model writing: one event, and the stream ends')
})

t.test('plans beyond what can be answered in time are turned away at once with 503 and Retry-After', async (t) => {
  const fake = await startFakeAnthropic(t)
  fake.defaultPlan = { kind: 'hang' }
  const app = await buildTestApp(t, { env: { ...anthropicEnv(fake), PLAN_MAX_IN_FLIGHT: '2', PLAN_LLM_TIMEOUT_MS: '1900' } })
  const admitted = [1, 2].map((i) => timedPlan(app, `plan-crowd-${i}`, { topic: `동시 요청 ${i}` }))
  // Both are waiting for a model that never answers (for up to 1.9 s) when the third comes.
  await waitUntil(() => fake.planRequests().length >= 2)
  const { res, elapsedMs } = await timedPlan(app, 'plan-crowd-3', { topic: '동시 요청 3' })
  t.equal(res.statusCode, 503, 'the one over the limit')
  t.ok(elapsedMs < 1500, `turned away in ${Math.round(elapsedMs)} ms, not kept waiting for a place`)
  t.equal(res.headers['retry-after'], '1')
  t.match(res.json(), { success: false, error: { code: 'SERVICE_UNAVAILABLE', message: /잠시 후 다시 시도/ }, meta: { requestId: String } })
  t.same((await Promise.all(admitted)).map(({ res }) => res.statusCode), [200, 200], 'the two admitted are answered')
  t.equal((await timedPlan(app, 'plan-crowd-1', { topic: '다음 요청' })).res.statusCode, 200, 'room again once they are answered')
})

t.test('without an API key the template planner answers', async (t) => {
  const app = await buildTestApp(t)
  const { res } = await timedPlan(app, 'plan-offline', { topic: '탄소중립 정책' })
  t.equal(res.statusCode, 200)
  t.equal(res.json().data.source, 'template')
  t.match(res.json().data.plan, /^# 탄소중립 정책\n\n## 요약\n/)
})

t.test('TC-PLAN-002: bad input is a 400 and creates nothing', async (t) => {
  const app = await buildTestApp(t)
  const bad: unknown[] = [
    {}, { topic: '' }, { topic: '   ' }, { topic: 'x'.repeat(201) }, { topic: 42 }, { topic: ['AI'] },
    { topic: 'AI', template_id: 'one' }, { topic: 'AI', template_id: 1.5 }, { topic: 'AI', template_id: 0 }
  ]
  for (const payload of bad) {
    const { res } = await timedPlan(app, 'plan-bad', payload)
    t.equal(res.statusCode, 400, JSON.stringify(payload))
    t.equal(res.json().error.code, 'VALIDATION_ERROR')
  }
  t.equal((await timedPlan(app, 'plan-bad', {})).res.json().error.message, 'topic 필드가 없습니다. topic 필드를 넣어 다시 보내 주세요.')
  const list = await app.inject({ method: 'GET', url: '/api/topics', headers: bearer('plan-bad') })
  t.equal(list.json().data.total, 0)
  t.equal((await timedPlan(app, 'plan-long', { topic: 'x'.repeat(200) })).res.statusCode, 200, '200 characters is allowed')
})

t.test('an unknown or another user\'s template is a 404', async (t) => {
  const app = await buildTestApp(t)
  const created = await app.inject({
    method: 'POST', url: '/api/templates', headers: bearer('plan-owner'), payload: { name: 'mine', prompt_system: 'p' }
  })
  for (const templateId of [created.json().data.id, 987654]) {
    const { res } = await timedPlan(app, 'plan-intruder', { topic: 'AI', template_id: templateId })
    t.equal(res.statusCode, 404)
    t.equal(res.json().error.code, 'NOT_FOUND')
  }
})

t.test('rate limit: the 11th plan in a window is 429 for that user only, and the window resets', async (t) => {
  // Long enough that ten plans and the 11th fit into one window on a loaded machine.
  const app = await buildTestApp(t, { env: { PLAN_RATE_LIMIT_WINDOW_MS: '10000' } })
  const ten = await Promise.all(Array.from({ length: 10 }, (_, i) => timedPlan(app, 'plan-busy', { topic: `주제 ${i + 1}` })))
  t.same(ten.map(({ res }) => res.statusCode), ten.map(() => 200), 'ten calls')
  const { res } = await timedPlan(app, 'plan-busy', { topic: '11번째' })
  t.equal(res.statusCode, 429)
  t.match(res.json(), { success: false, error: { code: 'RATE_LIMITED', message: String }, meta: { requestId: String } })
  t.ok(Number(res.headers['retry-after']) >= 1, 'Retry-After')
  t.equal(res.headers['x-ratelimit-limit'], '10')
  t.equal(res.headers['x-ratelimit-remaining'], '0')
  t.equal((await timedPlan(app, 'plan-other', { topic: '다른 사용자' })).res.statusCode, 200, 'other users are unaffected')
  const list = await app.inject({ method: 'GET', url: '/api/topics', headers: bearer('plan-busy') })
  t.equal(list.json().data.total, 10, 'the rejected call created nothing')
  // The window ends when the 429 says it does (in whole seconds, rounded up).
  await new Promise((resolve) => setTimeout(resolve, Number(res.headers['x-ratelimit-reset']) * 1000 + 200))
  t.equal((await timedPlan(app, 'plan-busy', { topic: '다시' })).res.statusCode, 200, 'the window reset')
})
