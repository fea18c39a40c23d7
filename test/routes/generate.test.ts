// test-database: postgres
import t from 'tap'
import { createHash } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import JSZip from 'jszip'
import { aiUsage, artifacts, topics } from '../../src/db/schema.js'
import { bearer, buildTestApp } from '../support/app.js'
import { anthropicEnv, startFakeAnthropic } from '../support/fake-anthropic.js'
import { collectUntilDone, planTopic, SAMPLE_PLAN, startGeneration, waitForTerminal } from '../support/generation.js'

const FAST_RETRIES = { REPORT_LLM_RETRY_BASE_MS: '10' }

t.test('TC-GEN-001/003, TC-STATUS-001/002: 202 at once, honest progress, artifacts saved and downloadable', async (t) => {
  const fake = await startFakeAnthropic(t)
  fake.defaultReport = { kind: 'report', chunkDelayMs: 25 }
  // The first report is held until it has been polled: the 202 cannot have waited for it.
  let release!: () => void
  fake.reportBehaviors = [{ kind: 'report', chunkDelayMs: 25, holdAfterChunks: 1, until: new Promise<void>((resolve) => { release = resolve }) }]
  const app = await buildTestApp(t, { env: { ...anthropicEnv(fake), CLAUDE_REPORT_MODEL: 'claude-test-writer' } })
  const { topic_id: topicId } = await planTopic(app, 'gen-alice')

  const res = await startGeneration(app, 'gen-alice', { topic_id: topicId, template_id: 1 })
  t.equal(res.statusCode, 202)
  t.same(res.json(), {
    success: true,
    data: {
      topic_id: topicId,
      status: 'generating',
      message: '보고서 생성을 시작했습니다. 진행 상황은 status_check_url이나 stream_url에서 확인하세요.',
      status_check_url: `/api/topics/${topicId}/status`,
      stream_url: `/api/topics/${topicId}/status/stream`
    }
  })

  const collecting = collectUntilDone(app, topicId)
  const polled = await app.inject({ method: 'GET', url: `/api/topics/${topicId}/status`, headers: bearer('gen-alice') })
  t.equal(polled.statusCode, 200)
  t.match(polled.json().data, { topic_id: topicId, status: 'generating', progress_percent: Number, started_at: /Z$/, artifact_id: null })
  release()

  const seen = await collecting
  const percents = seen.map((s) => s.progress_percent)
  t.same(percents, [...percents].sort((a, b) => a - b), 'progress only rises')
  const steps = seen.map((s) => s.current_step)
  t.ok(steps.includes("'시장 분석' 작성 중 (2/4)"), 'current_step names the section being written')
  t.ok(steps.includes("'결론 및 제언' 작성 중 (4/4)"))
  t.ok(new Set(percents.filter((p) => p >= 10 && p <= 80)).size >= 4, 'progress moves through the writing range section by section')
  t.ok(seen.some((s) => s.estimated_completion !== null && Date.parse(s.estimated_completion) > Date.parse(s.started_at!)), 'an ETA is projected')
  const final = seen.at(-1)!
  t.match(final, { status: 'completed', progress_percent: 100, artifact_id: Number, completed_at: /Z$/, error_message: null })

  const done = await app.inject({ method: 'GET', url: `/api/topics/${topicId}/status`, headers: bearer('gen-alice') })
  t.same(done.json().data, final, 'TC-STATUS-002')

  const [reportRequest] = fake.reportRequests()
  t.equal(reportRequest!.body.model, 'claude-test-writer')
  t.match((reportRequest!.body.system as Array<{ text: string }>)[0]!.text, '결론 및 제언', 'the template guide is the system prompt')
  t.match(reportRequest!.body.messages[0]!.content, SAMPLE_PLAN.trim(), 'the approved plan is in the user prompt')

  const list = await app.inject({ method: 'GET', url: `/api/topics/${topicId}/artifacts`, headers: bearer('gen-alice') })
  const items = list.json().data
  t.same(items.map((a: { kind: string, version: number }) => [a.kind, a.version]), [['docx', 1], ['hwpx', 1], ['md', 1]])
  const hwpxMeta = items.find((a: { kind: string }) => a.kind === 'hwpx')
  t.equal(hwpxMeta.id, final.artifact_id, 'artifact_id is the HWPX')
  t.equal(hwpxMeta.filename, '보고서_v1.hwpx', 'file name from the report title and the version')

  const download = await app.inject({ method: 'GET', url: hwpxMeta.download_url, headers: bearer('gen-alice') })
  t.equal(download.statusCode, 200)
  t.equal(download.headers['content-type'], 'application/hwp+zip')
  t.equal(download.headers.etag, `"${hwpxMeta.sha256}"`)
  t.equal(download.headers['content-disposition'], `attachment; filename="____v1.hwpx"; filename*=UTF-8''${encodeURIComponent('보고서_v1.hwpx')}`)
  t.equal(createHash('sha256').update(download.rawPayload).digest('hex'), hwpxMeta.sha256, 'bytes match the sha256')
  t.equal(download.rawPayload.length, hwpxMeta.size)
  const zip = await JSZip.loadAsync(download.rawPayload)
  t.equal(await zip.file('mimetype')!.async('string'), 'application/hwp+zip')
  t.match(await zip.file('Contents/section0.xml')!.async('string'), '시장 분석')

  const notModified = await app.inject({ method: 'GET', url: hwpxMeta.download_url, headers: { ...bearer('gen-alice'), 'if-none-match': `"${hwpxMeta.sha256}"` } })
  t.equal(notModified.statusCode, 304)

  const docxMeta = items.find((a: { kind: string }) => a.kind === 'docx')
  t.equal(docxMeta.filename, '보고서_v1.docx')
  t.equal(docxMeta.content_type, 'application/vnd.openxmlformats-officedocument.wordprocessingml.document')
  const word = await app.inject({ method: 'GET', url: docxMeta.download_url, headers: bearer('gen-alice') })
  t.equal(word.statusCode, 200)
  t.equal(word.headers['content-type'], 'application/vnd.openxmlformats-officedocument.wordprocessingml.document')
  t.equal(createHash('sha256').update(word.rawPayload).digest('hex'), docxMeta.sha256)
  t.match(await (await JSZip.loadAsync(word.rawPayload)).file('word/document.xml')!.async('string'), '시장 분석', 'the same report, as Word')

  const mdMeta = items.find((a: { kind: string }) => a.kind === 'md')
  const markdown = await app.inject({ method: 'GET', url: `/api/artifacts/${mdMeta.id}/download`, headers: bearer('gen-alice') })
  t.equal(markdown.headers['content-type'], 'text/markdown; charset=utf-8')
  t.match(markdown.body, /^# 보고서\n\n## 요약/)
  const meta = await app.inject({ method: 'GET', url: `/api/artifacts/${mdMeta.id}`, headers: bearer('gen-alice') })
  t.match(meta.json().data, { id: mdMeta.id, kind: 'md', topic_id: topicId, content_type: 'text/markdown; charset=utf-8' })

  for (const url of [`/api/artifacts/${mdMeta.id}`, `/api/artifacts/${mdMeta.id}/download`, `/api/topics/${topicId}/artifacts`, `/api/topics/${topicId}/status`]) {
    const res = await app.inject({ method: 'GET', url, headers: bearer('gen-mallory') })
    t.equal(res.statusCode, 404, `another user: ${url}`)
  }

  const [row] = await app.db.select().from(topics).where(eq(topics.id, topicId))
  t.match(row, { status: 'completed', plan: SAMPLE_PLAN, generationError: null })
  t.same(row!.planSections!.map((s) => s.title), ['요약', '시장 분석', '기술 동향', '결론 및 제언'])
  const usage = await app.db.select().from(aiUsage).where(and(eq(aiUsage.topicId, topicId), eq(aiUsage.purpose, 'generate')))
  t.match(usage, [{ model: 'claude-test-writer', outputTokens: 2000 }])

  const again = await startGeneration(app, 'gen-alice', { topic_id: topicId })
  t.equal(again.statusCode, 202, 'a finished topic can be generated again')
  t.equal((await waitForTerminal(app, topicId)).status, 'completed')
  const versions = await app.db.select({ version: artifacts.version }).from(artifacts).where(eq(artifacts.topicId, topicId))
  t.same(versions.map((v) => v.version).sort(), [1, 1, 1, 2, 2, 2], 'the next version: Markdown, HWPX and DOCX again')
})

t.test('TC-GEN-002: a second request while generating is 409, and a race gives exactly one 202', async (t) => {
  const fake = await startFakeAnthropic(t)
  // Held until the later request has been answered, so the report is certainly still running.
  let release!: () => void
  fake.defaultReport = { kind: 'report', chunkDelayMs: 20, holdAfterChunks: 1, until: new Promise<void>((resolve) => { release = resolve }) }
  const app = await buildTestApp(t, { env: anthropicEnv(fake) })
  const { topic_id: topicId } = await planTopic(app, 'gen-race')
  const results = await Promise.all([1, 2, 3].map(() => startGeneration(app, 'gen-race', { topic_id: topicId })))
  t.same(results.map((r) => r.statusCode).sort(), [202, 409, 409])
  const conflictBody = results.find((r) => r.statusCode === 409)!.json()
  t.match(conflictBody, { success: false, error: { code: 'CONFLICT', message: '이 주제의 보고서를 이미 생성하고 있습니다. 진행 상황을 확인하거나, 생성을 취소한 뒤 다시 시도해 주세요.' } })
  const later = await startGeneration(app, 'gen-race', { topic_id: topicId })
  t.equal(later.statusCode, 409)
  release()
  await waitForTerminal(app, topicId)
  t.equal(fake.reportRequests().length, 1, 'only one generation ran')
})

t.test('validation and ownership errors', async (t) => {
  const app = await buildTestApp(t)
  const { topic_id: topicId } = await planTopic(app, 'gen-owner')
  const bad: Array<Record<string, unknown>> = [
    { plan: undefined }, { plan: '' }, { plan: '   ' }, { plan: 'x'.repeat(50_001) }, { topic: undefined }, { topic: '' },
    { topic: 'x'.repeat(201) }, { plan: 5 }, { topic_id: '1' }, { template_id: [1] }
  ]
  for (const payload of bad) {
    const res = await startGeneration(app, 'gen-owner', payload)
    t.equal(res.statusCode, 400, JSON.stringify(payload).slice(0, 60))
    t.equal(res.json().error.code, 'VALIDATION_ERROR')
  }
  t.equal((await startGeneration(app, 'gen-owner', { topic_id: 999999 })).statusCode, 404)
  t.equal((await startGeneration(app, 'gen-intruder', { topic_id: topicId })).statusCode, 404, 'another user\'s topic')
  t.equal((await startGeneration(app, 'gen-owner', { topic_id: topicId, template_id: 999999 })).statusCode, 404)
  t.equal(app.statusStore.get(topicId), undefined, 'nothing started')
  const [row] = await app.db.select().from(topics).where(eq(topics.id, topicId))
  t.equal(row!.status, 'planned')
})

t.test('TC-STATUS-003: 404 for unknown topics and topics that never started generating', async (t) => {
  const app = await buildTestApp(t)
  const unknown = await app.inject({ method: 'GET', url: '/api/topics/9999/status', headers: bearer('status-user') })
  t.equal(unknown.statusCode, 404)
  t.equal(unknown.json().error.code, 'NOT_FOUND')
  const { topic_id: topicId } = await planTopic(app, 'status-user')
  const planned = await app.inject({ method: 'GET', url: `/api/topics/${topicId}/status`, headers: bearer('status-user') })
  t.equal(planned.statusCode, 404)
  t.equal(planned.json().error.message, `${topicId}번 보고서는 아직 생성을 시작하지 않아 진행 상황이 없습니다. 보고서 생성(POST /api/topics/generate)을 시작한 뒤에 확인해 주세요.`)
})

t.test('without topic_id a new topic is created; the offline provider writes a labelled draft', async (t) => {
  const app = await buildTestApp(t, { env: { OFFLINE_PIECE_DELAY_MS: '5' } })
  const res = await startGeneration(app, 'gen-offline', { topic: '  오프라인 주제 ' })
  t.equal(res.statusCode, 202)
  const topicId = res.json().data.topic_id
  const final = await waitForTerminal(app, topicId)
  t.equal(final.status, 'completed')
  const [row] = await app.db.select().from(topics).where(eq(topics.id, topicId))
  t.equal(row!.topic, '오프라인 주제')
  const [md] = await app.db.select().from(artifacts).where(and(eq(artifacts.topicId, topicId), eq(artifacts.kind, 'md')))
  const text = new TextDecoder().decode(md!.content)
  t.match(text, '오프라인 초안')
  t.match(text, '## 시장 분석')
  t.equal(md!.filename, '2026 디지털뱅킹 트렌드 분석_v1.md')
})

t.test('Claude failing mid-stream: failed with a readable message, nothing half-saved', async (t) => {
  const fake = await startFakeAnthropic(t)
  const app = await buildTestApp(t, { env: { ...anthropicEnv(fake), ...FAST_RETRIES } })
  for (const failWith of ['overloaded', 'disconnect'] as const) {
    fake.reportBehaviors.push({ kind: 'report', failAfterChunks: 3, failWith })
    const { topic_id: topicId } = await planTopic(app, 'gen-fail')
    t.equal((await startGeneration(app, 'gen-fail', { topic_id: topicId })).statusCode, 202)
    const final = await waitForTerminal(app, topicId)
    t.equal(final.status, 'failed', failWith)
    t.match(final.error_message, /Claude|오류/, failWith)
    t.notMatch(final.error_message, /at |Error:|\.ts|stack/, 'no internals')
    t.equal((await app.db.select().from(artifacts).where(eq(artifacts.topicId, topicId))).length, 0, 'no artifacts')
    t.equal((await app.db.select().from(aiUsage).where(and(eq(aiUsage.topicId, topicId), eq(aiUsage.purpose, 'generate')))).length, 0)
    const [row] = await app.db.select().from(topics).where(eq(topics.id, topicId))
    t.match(row, { status: 'failed', generationError: final.error_message })
  }
  t.equal(fake.reportRequests().length, 2, 'no retry once text has been written')
})

t.test('a report cut off at max_tokens is not saved as finished: it fails, saying it ran past the length limit and what to do', async (t) => {
  const fake = await startFakeAnthropic(t)
  const app = await buildTestApp(t, { env: { ...anthropicEnv(fake), ...FAST_RETRIES } })
  fake.reportBehaviors.push({ kind: 'report', stopReason: 'max_tokens' })
  const { topic_id: topicId } = await planTopic(app, 'gen-too-long')
  t.equal((await startGeneration(app, 'gen-too-long', { topic_id: topicId })).statusCode, 202)
  const final = await waitForTerminal(app, topicId)
  t.match(final, { status: 'failed', artifact_id: null })
  t.match(final.error_message, /길이를 넘어/)
  t.match(final.error_message, /섹션 수를 줄이거나/, 'says what to do')
  t.notMatch(final.error_message, /[A-Za-z]/, 'no internals or vendor words')
  t.equal((await app.db.select().from(artifacts).where(eq(artifacts.topicId, topicId))).length, 0, 'the cut-off text is not saved')
  t.equal(fake.reportRequests().length, 1, 'not retried: the same plan would stop at the same limit')
})

t.test('429/5xx/overloaded before any text are retried with backoff', async (t) => {
  const fake = await startFakeAnthropic(t)
  const app = await buildTestApp(t, { env: { ...anthropicEnv(fake), ...FAST_RETRIES, REPORT_LLM_MAX_RETRIES: '3' } })
  fake.reportBehaviors.push({ kind: 'status', status: 529 }, { kind: 'status', status: 429 }, { kind: 'status', status: 500 })
  const { topic_id: topicId } = await planTopic(app, 'gen-retry')
  await startGeneration(app, 'gen-retry', { topic_id: topicId })
  t.equal((await waitForTerminal(app, topicId)).status, 'completed')
  t.equal(fake.reportRequests().length, 4)

  fake.reportBehaviors.push(...Array.from({ length: 4 }, () => ({ kind: 'status' as const, status: 529 })))
  const second = await planTopic(app, 'gen-retry')
  await startGeneration(app, 'gen-retry', { topic_id: second.topic_id })
  const failed = await waitForTerminal(app, second.topic_id)
  t.equal(failed.status, 'failed', 'gives up after the configured retries')
  t.match(failed.error_message, '과부하')
  t.equal(fake.reportRequests().length, 8)
})

t.test('a refused key and a failing model service each say so in Korean, without the vendor API words', async (t) => {
  const fake = await startFakeAnthropic(t)
  const app = await buildTestApp(t, { env: { ...anthropicEnv(fake), ...FAST_RETRIES, REPORT_LLM_MAX_RETRIES: '0' } })
  for (const [status, expected] of [[401, /권한이 없습니다/], [400, /인공지능 서비스에 오류가 있어/]] as const) {
    fake.reportBehaviors.push({ kind: 'status', status })
    const { topic_id: topicId } = await planTopic(app, 'gen-refused')
    await startGeneration(app, 'gen-refused', { topic_id: topicId })
    const failed = await waitForTerminal(app, topicId)
    t.equal(failed.status, 'failed', `HTTP ${status}`)
    t.match(failed.error_message, expected, `HTTP ${status}`)
    t.notMatch(failed.error_message, /[A-Za-z]/, `HTTP ${status}`)
  }
})

t.test('Claude that cannot be reached is reported as unreachable, not as overloaded', async (t) => {
  const fake = await startFakeAnthropic(t)
  const app = await buildTestApp(t, { env: { ...anthropicEnv(fake), ...FAST_RETRIES, REPORT_LLM_MAX_RETRIES: '1' } })
  fake.reportBehaviors.push({ kind: 'drop' }, { kind: 'drop' })
  const { topic_id: topicId } = await planTopic(app, 'gen-unreachable')
  await startGeneration(app, 'gen-unreachable', { topic_id: topicId })
  const failed = await waitForTerminal(app, topicId)
  t.equal(failed.status, 'failed')
  t.match(failed.error_message, /Claude에 연결하지 못해/)
  t.notMatch(failed.error_message, /과부하/)
  t.equal(fake.reportRequests().length, 2, 'a lost connection is retried first')
})

t.test('20 topics generating at once all complete', async (t) => {
  const fake = await startFakeAnthropic(t)
  fake.defaultReport = { kind: 'report', chunkDelayMs: 5 }
  const app = await buildTestApp(t, { env: { ...anthropicEnv(fake), GENERATIONS_RUNNING_PER_USER: '20' } })
  const started = await Promise.all(Array.from({ length: 20 }, (_, i) => startGeneration(app, 'gen-many', { topic: `주제 ${i}` })))
  t.same(started.map((r) => r.statusCode), Array(20).fill(202))
  const ids = started.map((r) => r.json().data.topic_id)
  t.equal(new Set(ids).size, 20)
  const finals = await Promise.all(ids.map((id) => waitForTerminal(app, id, 60_000)))
  t.same(finals.map((f) => f.status), Array(20).fill('completed'))
  t.equal((await app.db.select().from(artifacts)).filter((a) => ids.includes(a.topicId)).length, 60, 'Markdown, HWPX and DOCX for each')
})
