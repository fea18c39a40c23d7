// test-database: postgres
import t from 'tap'
import { eq } from 'drizzle-orm'
import { aiUsage, topics } from '../../src/db/schema.js'
import { bearer, buildTestApp } from '../support/app.js'
import { anthropicEnv, SAMPLE_OUTLINE, startFakeAnthropic, type PlanBehavior } from '../support/fake-anthropic.js'

/** The spec's budget; the fake's slow answers take 5 s, so passing means the fallback answered. */
const PLAN_BUDGET_MS = 2000

async function timedPlan (app: Awaited<ReturnType<typeof buildTestApp>>, user: string, payload: unknown) {
  const startedAt = performance.now()
  const res = await app.inject({ method: 'POST', url: '/api/topics/plan', headers: bearer(user), payload: payload as object })
  return { res, elapsedMs: performance.now() - startedAt }
}

t.test('TC-PLAN-001: a plan from Claude, saved as a planned topic with its usage', async (t) => {
  const fake = await startFakeAnthropic(t)
  const app = await buildTestApp(t, { env: anthropicEnv(fake) })
  const { res, elapsedMs } = await timedPlan(app, 'plan-alice', { topic: '  AI  ', template_id: 1 })
  t.equal(res.statusCode, 200)
  t.ok(elapsedMs < PLAN_BUDGET_MS, `answered in ${Math.round(elapsedMs)} ms`)
  const data = res.json().data
  t.equal(data.source, 'llm')
  t.equal(data.estimated_sections_count, SAMPLE_OUTLINE.sections.length)
  t.same(data.sections.map((s: { title: string }) => s.title), SAMPLE_OUTLINE.sections.map((s) => s.title))
  t.same(data.sections.map((s: { order: number }) => s.order), [1, 2, 3, 4, 5])
  t.match(data.plan, /^# 2026 디지털뱅킹 트렌드 분석\n\n## 요약\n\n핵심 결론과 시사점\n\n- 디지털 전환 가속\n- 규제 변화\n/)
  t.match(data.plan, /\n## 결론 및 제언\n\n전략 방향과 실행 과제\n\n- 우선순위별 과제\n$/)

  const [row] = await app.db.select().from(topics).where(eq(topics.id, data.topic_id))
  t.match(row, { userId: 'plan-alice', topic: 'AI', templateId: 1, status: 'planned', plan: data.plan })
  t.same(row!.planSections, data.sections)
  const usage = await app.db.select().from(aiUsage).where(eq(aiUsage.topicId, data.topic_id))
  t.match(usage, [{ purpose: 'plan', model: 'claude-haiku-4-5', inputTokens: 321, outputTokens: 123 }])
})

t.test('the template guide reaches Claude as a cached system prompt with a forced tool call', async (t) => {
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
  t.ok(headers['x-api-key'] === 'sk-ant-test' || headers.authorization === 'Bearer sk-ant-test', 'the API key is sent')
  const system = body.system as Array<{ text: string, cache_control?: { type: string } }>
  t.match(system[0]!.text, 'GUIDE-MARKER: 반드시 위험 요인 섹션을 포함하라')
  t.same(system[0]!.cache_control, { type: 'ephemeral' })
  t.match(body.messages[0]!.content, '반도체 공급망')
  t.same(body.tool_choice, { type: 'tool', name: body.tools![0]!.name })
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

const failures: Array<[string, PlanBehavior]> = [
  ['slow (5 s)', { kind: 'outline', delayMs: 5000 }],
  ['never answers', { kind: 'hang' }],
  ['429', { kind: 'status', status: 429, errorType: 'rate_limit_error' }],
  ['500', { kind: 'status', status: 500 }],
  ['529 overloaded', { kind: 'status', status: 529 }],
  ['malformed JSON', { kind: 'malformed' }],
  ['prose instead of a tool call', { kind: 'text-only' }],
  ['schema-violating outline', { kind: 'outline', outline: { title: '', sections: [{ title: 'only one' }] } }]
]

t.test('every Claude failure falls back to the template outline within the budget', async (t) => {
  const fake = await startFakeAnthropic(t)
  const app = await buildTestApp(t, { env: anthropicEnv(fake) })
  for (const [name, behavior] of failures) {
    fake.planBehaviors.push(behavior)
    const before = fake.planRequests().length
    const { res, elapsedMs } = await timedPlan(app, 'plan-fallback', { topic: '2026 디지털뱅킹 트렌드 분석' })
    t.equal(res.statusCode, 200, name)
    t.ok(elapsedMs < PLAN_BUDGET_MS, `${name}: answered in ${Math.round(elapsedMs)} ms`)
    const data = res.json().data
    t.equal(data.source, 'template', name)
    t.same(data.sections.map((s: { title: string }) => s.title),
      ['요약', '배경 및 목적', '현황 분석', '핵심 이슈와 과제', '전망과 기회', '결론 및 제언'], name)
    t.equal(fake.planRequests().length - before, 1, `${name}: no retries inside the budget`)
    const usage = await app.db.select().from(aiUsage).where(eq(aiUsage.topicId, data.topic_id))
    t.equal(usage.length, 0, `${name}: no usage recorded for a fallback`)
  }
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
  t.equal((await timedPlan(app, 'plan-bad', {})).res.json().error.message, 'topic is required')
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
  const app = await buildTestApp(t, { env: { PLAN_RATE_LIMIT_WINDOW_MS: '3000' } })
  for (let i = 1; i <= 10; i++) {
    t.equal((await timedPlan(app, 'plan-busy', { topic: `주제 ${i}` })).res.statusCode, 200, `call ${i}`)
  }
  const { res } = await timedPlan(app, 'plan-busy', { topic: '11번째' })
  t.equal(res.statusCode, 429)
  t.match(res.json(), { success: false, error: { code: 'RATE_LIMITED', message: String }, meta: { requestId: String } })
  t.ok(Number(res.headers['retry-after']) >= 1, 'Retry-After')
  t.equal(res.headers['x-ratelimit-limit'], '10')
  t.equal(res.headers['x-ratelimit-remaining'], '0')
  t.equal((await timedPlan(app, 'plan-other', { topic: '다른 사용자' })).res.statusCode, 200, 'other users are unaffected')
  const list = await app.inject({ method: 'GET', url: '/api/topics', headers: bearer('plan-busy') })
  t.equal(list.json().data.total, 10, 'the rejected call created nothing')
  await new Promise((resolve) => setTimeout(resolve, 3100))
  t.equal((await timedPlan(app, 'plan-busy', { topic: '다시' })).res.statusCode, 200, 'the window reset')
})
