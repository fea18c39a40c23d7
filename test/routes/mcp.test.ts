// test-database: postgres
import t from 'tap'
import { createHash } from 'node:crypto'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import type { CallToolResult, Progress, ResourceLink } from '@modelcontextprotocol/sdk/types.js'
import { bearer, buildTestApp, listenOnLoopback } from '../support/app.js'
import { openTestDatabase } from '../support/database.js'
import { anthropicEnv, startFakeAnthropic } from '../support/fake-anthropic.js'
import { SAMPLE_PLAN } from '../support/generation.js'
import { DOCX_MIME_TYPE } from '../../src/docx/index.js'

type TestApp = Awaited<ReturnType<typeof buildTestApp>>
type Teardown = { teardown: (fn: () => unknown) => void }

const TOPIC = '2026 디지털뱅킹 트렌드 분석'

/** The SDK's own client over Streamable HTTP, signed in as `user` with a bearer token. */
async function connect (t: Teardown, url: string, headers: Record<string, string>) {
  const client = new Client({ name: 'reportflow-test', version: '1.0.0' })
  const transport = new StreamableHTTPClientTransport(new URL('/mcp', url), { requestInit: { headers } })
  await client.connect(transport)
  t.teardown(() => client.close())
  return client
}

/**
 * A test that shuts its service down mid-report passes `ownDatabase`: the report it leaves in the
 * queue would otherwise be written by the next test's service and take that test's fake answers.
 */
async function startService (t: Teardown, env: Record<string, string> = {}, { ownDatabase = false } = {}) {
  const fake = await startFakeAnthropic(t)
  fake.defaultReport = { kind: 'report', chunkDelayMs: 15 }
  const database = ownDatabase ? await openTestDatabase(t) : undefined
  const app = await buildTestApp(t, { database, env: { ...anthropicEnv(fake), REPORT_LLM_RETRY_BASE_MS: '10', ...env } })
  const { url } = await listenOnLoopback(app)
  return { app, url, fake }
}

const structured = <T = Record<string, unknown>>(result: unknown) => (result as CallToolResult).structuredContent as T

function resourceLinks (result: unknown): ResourceLink[] {
  return (result as CallToolResult).content.filter((block): block is ResourceLink => block.type === 'resource_link')
}

/** A tool error's text is the API's error envelope. */
function envelopeOf (result: unknown) {
  const { isError, content } = result as CallToolResult
  if (!isError) throw new Error(`expected a tool error, got ${JSON.stringify(result)}`)
  const first = content[0]
  if (first?.type !== 'text') throw new Error('a tool error starts with a text block')
  return JSON.parse(first.text) as { success: false, error: { code: string, message: string, details?: unknown }, meta: { requestId: string } }
}

async function apiError (app: TestApp, user: string, method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) {
  const res = await app.inject({ method, url, headers: bearer(user), payload })
  return { status: res.statusCode, error: res.json().error }
}

t.test('tools: listed with input and output schemas taken from the API routes', async (t) => {
  const { app, url } = await startService(t)
  const client = await connect(t, url, bearer('mcp-lister'))

  t.match(client.getServerVersion(), { name: 'reportflow' })
  t.match(client.getInstructions(), /plan_report/)
  const { tools } = await client.listTools()
  const byName = new Map(tools.map((tool) => [tool.name, tool]))
  const canCancel = app.hasRoute({ method: 'POST', url: '/api/topics/:id/cancel' })
  t.same([...byName.keys()].sort(), [...canCancel ? ['cancel_report'] : [], 'generate_report', 'get_report_status', 'list_reports', 'list_templates', 'plan_report'],
    'cancel_report is offered exactly when the API can cancel')

  const plan = byName.get('plan_report')!
  t.same(plan.inputSchema.required, ['topic'])
  t.match(plan.inputSchema.properties, { topic: { type: 'string', minLength: 1, maxLength: 200 }, template_id: {} })
  t.ok(['topic_id', 'plan', 'sections', 'source'].every((field) => plan.outputSchema?.required?.includes(field)), 'the /plan answer\'s fields')
  const generate = byName.get('generate_report')!
  t.same(generate.inputSchema.required?.slice().sort(), ['plan', 'topic'])
  t.match(generate.inputSchema.properties, { topic_id: { type: 'integer' }, wait_seconds: { type: 'integer', default: 50 } })
  t.match(generate.outputSchema?.properties, { status: {}, progress_percent: {}, artifact_id: {} }, 'answers with the /status shape')
  t.match(byName.get('get_report_status')!.inputSchema, { required: ['topic_id'], properties: { topic_id: { type: 'integer', minimum: 1 } } })
  t.match(byName.get('list_reports')!.inputSchema.properties, { page: { default: 1 }, page_size: { maximum: 100 } })
  t.match(byName.get('list_templates')!.outputSchema, { type: 'object', properties: { items: { type: 'array' } } }, 'a list answer is an object with items')
  t.equal(byName.get('get_report_status')!.annotations?.readOnlyHint, true)
  t.notOk(JSON.stringify(tools).includes('"$id"'), 'no $id: clients compile every schema into one validator')

  const { resourceTemplates } = await client.listResourceTemplates()
  t.same(resourceTemplates.map((template) => template.uriTemplate), ['reportflow://artifacts/{artifact_id}'])
})

t.test('plan → generate with progress → completed → the files as resources, equal to the downloads', async (t) => {
  const { app, url } = await startService(t)
  const client = await connect(t, url, bearer('mcp-alice'))

  const templates = structured<{ items: Array<{ id: number, is_default: boolean }> }>(await client.callTool({ name: 'list_templates', arguments: {} }))
  const template = templates.items.find((candidate) => candidate.is_default)!

  const planned = await client.callTool({ name: 'plan_report', arguments: { topic: TOPIC, template_id: template.id } })
  t.notOk(planned.isError)
  const plan = structured<{ topic_id: number, plan: string, sections: unknown[], source: string }>(planned)
  t.match(plan, { topic_id: Number, plan: /^# /, source: 'llm' })
  t.ok(plan.sections.length >= 3, 'an ordered outline')
  const text = (planned.content as Array<{ type: string, text?: string }>)[0]!
  t.same(JSON.parse(text.text!), plan, 'the text block carries the same JSON')

  const progress: Progress[] = []
  const generated = await client.callTool(
    { name: 'generate_report', arguments: { topic: TOPIC, plan: SAMPLE_PLAN, topic_id: plan.topic_id, wait_seconds: 60 } },
    undefined,
    { onprogress: (update) => { progress.push(update) }, resetTimeoutOnProgress: true }
  )
  t.notOk(generated.isError, 'generated')
  const status = structured<{ topic_id: number, status: string, progress_percent: number, artifact_id: number }>(generated)
  t.match(status, { topic_id: plan.topic_id, status: 'completed', progress_percent: 100, artifact_id: Number, error_message: null })

  const percents = progress.map((update) => update.progress)
  t.ok(progress.length >= 4, `several progress notifications (${percents.join(', ')})`)
  t.same(percents, [...new Set(percents)].sort((a, b) => a - b), 'progress strictly rises')
  t.equal(percents.at(-1), 100)
  t.ok(progress.every((update) => update.total === 100))
  t.ok(progress.some((update) => update.message === "'시장 분석' 작성 중 (2/4)"), 'messages are the status stream\'s steps')
  t.equal(progress.at(-1)!.message, '보고서 완성')

  const polled = await client.callTool({ name: 'get_report_status', arguments: { topic_id: plan.topic_id } })
  t.same(structured(polled), status, 'get_report_status answers the same status')
  const api = await app.inject({ method: 'GET', url: `/api/topics/${plan.topic_id}/status`, headers: bearer('mcp-alice') })
  t.same(structured(polled), api.json().data, 'exactly the API\'s /status answer')

  const links = resourceLinks(generated)
  t.same(links.map((link) => link.mimeType).sort(), ['application/hwp+zip', DOCX_MIME_TYPE, 'text/markdown'], 'every file of the report')
  const hwpxLink = links.find((link) => link.mimeType === 'application/hwp+zip')!
  const mdLink = links.find((link) => link.mimeType === 'text/markdown')!
  const docxLink = links.find((link) => link.mimeType === DOCX_MIME_TYPE)!
  t.equal(hwpxLink.uri, `reportflow://artifacts/${status.artifact_id}`, 'the HWPX link is the status\'s artifact_id')

  const hwpx = await client.readResource({ uri: hwpxLink.uri })
  const hwpxContent = hwpx.contents[0]!
  t.equal(hwpxContent.mimeType, 'application/hwp+zip')
  t.ok('blob' in hwpxContent, 'HWPX is a binary resource')
  const hwpxBytes = Buffer.from((hwpxContent as { blob: string }).blob, 'base64')
  const download = await app.inject({ method: 'GET', url: `/api/artifacts/${status.artifact_id}/download`, headers: bearer('mcp-alice') })
  const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')
  t.equal(sha256(hwpxBytes), sha256(download.rawPayload), 'HWPX bytes equal the download\'s')
  t.equal(`"${sha256(hwpxBytes)}"`, download.headers.etag)
  t.equal(hwpxBytes.subarray(0, 2).toString(), 'PK', 'a zip package')

  const markdown = await client.readResource({ uri: mdLink.uri })
  const mdContent = markdown.contents[0] as { mimeType: string, text: string }
  t.equal(mdContent.mimeType, 'text/markdown')
  const mdId = mdLink.uri.split('/').at(-1)
  const mdDownload = await app.inject({ method: 'GET', url: `/api/artifacts/${mdId}/download`, headers: bearer('mcp-alice') })
  t.equal(mdContent.text, mdDownload.body, 'Markdown text equals the download')
  t.match(mdContent.text, '## 시장 분석')

  const docx = (await client.readResource({ uri: docxLink.uri })).contents[0] as { mimeType: string, blob: string }
  const docxId = docxLink.uri.split('/').at(-1)
  const docxDownload = await app.inject({ method: 'GET', url: `/api/artifacts/${docxId}/download`, headers: bearer('mcp-alice') })
  t.equal(sha256(Buffer.from(docx.blob, 'base64')), sha256(docxDownload.rawPayload), 'DOCX bytes equal the download\'s')

  const { resources } = await client.listResources()
  t.same(resources.map((resource) => resource.uri).sort(), links.map((link) => link.uri).sort(), 'the finished report is listed')
  t.match(resources.find((resource) => resource.uri === hwpxLink.uri), { mimeType: 'application/hwp+zip', name: /\.hwpx$/, size: hwpxBytes.length })

  const reports = structured<{ items: Array<{ id: number, status: string }>, total: number }>(
    await client.callTool({ name: 'list_reports', arguments: {} }))
  t.match(reports, { total: 1, page: 1, page_size: 20 })
  t.match(reports.items[0], { id: plan.topic_id, status: 'completed' })
})

t.test('generate without waiting, then follow with get_report_status', async (t) => {
  const { url } = await startService(t)
  const client = await connect(t, url, bearer('mcp-poller'))
  const started = structured<{ topic_id: number, status: string }>(
    await client.callTool({ name: 'generate_report', arguments: { topic: TOPIC, plan: SAMPLE_PLAN, wait_seconds: 0 } }))
  t.match(started, { topic_id: Number, status: 'generating' }, 'answers at once, like the 202')

  const again = await client.callTool({ name: 'generate_report', arguments: { topic: TOPIC, plan: SAMPLE_PLAN, topic_id: started.topic_id, wait_seconds: 0 } })
  t.match(envelopeOf(again).error, { code: 'CONFLICT' }, 'a second run of the same topic is the API\'s 409')

  const progress: number[] = []
  const followed = await client.callTool(
    { name: 'get_report_status', arguments: { topic_id: started.topic_id, wait_seconds: 60 } },
    undefined,
    { onprogress: (update) => { progress.push(update.progress) } }
  )
  t.match(structured(followed), { status: 'completed', progress_percent: 100 })
  t.ok(progress.length >= 2 && progress.at(-1) === 100, `progress while following (${progress.join(', ')})`)
  t.equal(resourceLinks(followed).length, 3, 'Markdown, HWPX and DOCX')
})

t.test('another user\'s topic and files are not found, exactly as over the API', async (t) => {
  const { app, url } = await startService(t)
  const owner = await connect(t, url, bearer('mcp-owner'))
  const started = structured<{ topic_id: number }>(
    await owner.callTool({ name: 'generate_report', arguments: { topic: TOPIC, plan: SAMPLE_PLAN, wait_seconds: 60 } }))
  const done = structured<{ artifact_id: number }>(
    await owner.callTool({ name: 'get_report_status', arguments: { topic_id: started.topic_id } }))

  const intruder = await connect(t, url, bearer('mcp-intruder'))
  const status = envelopeOf(await intruder.callTool({ name: 'get_report_status', arguments: { topic_id: started.topic_id } }))
  const viaApi = await apiError(app, 'mcp-intruder', 'GET', `/api/topics/${started.topic_id}/status`)
  t.equal(viaApi.status, 404)
  t.same(status.error, viaApi.error, 'same code and message as the API')
  t.match(status.meta, { requestId: String })

  const regenerate = envelopeOf(await intruder.callTool({
    name: 'generate_report', arguments: { topic: TOPIC, plan: SAMPLE_PLAN, topic_id: started.topic_id, wait_seconds: 0 }
  }))
  t.equal(regenerate.error.code, 'NOT_FOUND')

  await t.rejects(intruder.readResource({ uri: `reportflow://artifacts/${done.artifact_id}` }),
    { code: -32002, message: /파일을 찾을 수 없습니다/ }, 'someone else\'s file is a missing resource')
  t.same((await intruder.listResources()).resources, [])
  t.match(structured(await intruder.callTool({ name: 'list_reports', arguments: {} })), { items: [], total: 0 })
  await t.rejects(owner.readResource({ uri: 'reportflow://artifacts/abc' }), { code: -32002 })
})

t.test('bad arguments are refused by the schema with the API\'s validation error, never a crash', async (t) => {
  const { app, url, fake } = await startService(t)
  const client = await connect(t, url, bearer('mcp-careless'))

  const wrongType = envelopeOf(await client.callTool({ name: 'plan_report', arguments: { topic: 123 } }))
  const apiWrongType = await apiError(app, 'mcp-careless', 'POST', '/api/topics/plan', { topic: 123 })
  t.equal(wrongType.error.code, 'VALIDATION_ERROR')
  t.equal(wrongType.error.message, apiWrongType.error.message, 'the message the API gives for the same body')

  const nul = envelopeOf(await client.callTool({ name: 'plan_report', arguments: { topic: 'a\u0000b' } }))
  const apiNul = await apiError(app, 'mcp-careless', 'POST', '/api/topics/plan', { topic: 'a\u0000b' })
  t.match(nul.error, { code: apiNul.error.code, message: apiNul.error.message, details: [{ field: 'arguments/topic' }] },
    'text PostgreSQL cannot store is refused as the API refuses it')

  const missing = envelopeOf(await client.callTool({ name: 'generate_report', arguments: { topic: TOPIC } }))
  t.match(missing.error, { code: 'VALIDATION_ERROR', message: 'plan 필드가 없습니다. plan 필드를 넣어 다시 보내 주세요.' })
  t.match(envelopeOf(await client.callTool({ name: 'plan_report', arguments: {} })).error, { code: 'VALIDATION_ERROR', message: 'topic 필드가 없습니다. topic 필드를 넣어 다시 보내 주세요.' })
  t.match(envelopeOf(await client.callTool({ name: 'plan_report', arguments: { topic: '   ' } })).error, { code: 'VALIDATION_ERROR' })
  t.match(envelopeOf(await client.callTool({ name: 'get_report_status', arguments: { topic_id: '1' } })).error,
    { code: 'VALIDATION_ERROR', message: 'topic_id 필드는 정수 값이어야 합니다. 값의 형식을 확인해 주세요.' }, 'a numeric string is not coerced')
  t.match(envelopeOf(await client.callTool({ name: 'get_report_status', arguments: { topic_id: 0 } })).error, { code: 'VALIDATION_ERROR' })
  t.match(envelopeOf(await client.callTool({ name: 'get_report_status', arguments: { topic_id: 1, wait_seconds: 601 } })).error, { code: 'VALIDATION_ERROR' })
  t.match(envelopeOf(await client.callTool({ name: 'list_reports', arguments: { page_size: 1000 } })).error, { code: 'VALIDATION_ERROR' })
  const typo = envelopeOf(await client.callTool({ name: 'plan_report', arguments: { topic: TOPIC, topicc: 'typo' } }))
  const apiTypo = await apiError(app, 'mcp-careless', 'POST', '/api/topics/plan', { topic: TOPIC, topicc: 'typo' })
  t.match(typo.error, { code: 'VALIDATION_ERROR', message: apiTypo.error.message }, 'an unknown argument is refused, not ignored, in the API\'s words')
  t.match(typo.error.message, /topicc/)
  t.match(envelopeOf(await client.callTool({ name: 'get_report_status', arguments: { topic_id: 2_000_000_000 } })).error, { code: 'NOT_FOUND' })
  await t.rejects(client.callTool({ name: 'no_such_tool', arguments: {} }), { code: -32602 })
  t.equal(fake.planRequests().length, 0, 'nothing invalid reached Claude')

  t.ok((await client.listTools()).tools.length >= 5, 'the server still answers')
})

t.test('the /plan rate limit is one budget for the API and MCP', async (t) => {
  const { app, url } = await startService(t, { PLAN_RATE_LIMIT_MAX: '2', METRICS_ENABLED: 'true' })
  const client = await connect(t, url, bearer('mcp-busy'))
  for (let i = 0; i < 2; i++) {
    t.notOk((await client.callTool({ name: 'plan_report', arguments: { topic: TOPIC } })).isError)
  }
  const limited = envelopeOf(await client.callTool({ name: 'plan_report', arguments: { topic: TOPIC } }))
  t.equal(limited.error.code, 'RATE_LIMITED')
  t.equal((await apiError(app, 'mcp-busy', 'POST', '/api/topics/plan', { topic: TOPIC })).status, 429, 'the API counts the MCP calls')
  const other = await connect(t, url, bearer('mcp-calm'))
  t.notOk((await other.callTool({ name: 'plan_report', arguments: { topic: TOPIC } })).isError, 'per user')
  const metrics = await app.inject({ method: 'GET', url: '/metrics' })
  t.match(metrics.body, /http_request_duration_seconds_count\{method="POST",route="\/api\/topics\/plan",status_code="429"\} 2/,
    'the plans the tools ran are counted like any request (one refused over MCP, one over the API)')
})

t.test('a failed generation is reported with its Korean message', async (t) => {
  const { url, fake } = await startService(t, { REPORT_LLM_MAX_RETRIES: '0' })
  fake.reportBehaviors = [{ kind: 'status', status: 400, errorType: 'invalid_request_error' }]
  const client = await connect(t, url, bearer('mcp-unlucky'))
  const result = await client.callTool({ name: 'generate_report', arguments: { topic: TOPIC, plan: SAMPLE_PLAN, wait_seconds: 60 } })
  t.match(structured(result), { status: 'failed', error_message: /다시 시도해 주세요/, artifact_id: null })
  t.same(resourceLinks(result), [])
})

t.test('a waiting call holds one of the status-stream slots, as an SSE stream does', async (t) => {
  const { app, fake, url } = await startService(t, { STREAMS_PER_TOPIC: '1', SHUTDOWN_GRACE_MS: '100' }, { ownDatabase: true })
  fake.reportBehaviors = [{ kind: 'hang' }]
  const client = await connect(t, url, bearer('mcp-watcher'))
  const started = structured<{ topic_id: number }>(
    await client.callTool({ name: 'generate_report', arguments: { topic: TOPIC, plan: SAMPLE_PLAN, wait_seconds: 0 } }))
  let following: () => void
  const followed = new Promise<void>((resolve) => { following = resolve })
  // Long enough for the three calls below to come while it waits, on a loaded machine too.
  const waiting = client.callTool({ name: 'get_report_status', arguments: { topic_id: started.topic_id, wait_seconds: 8 } }, undefined,
    { onprogress: () => following() })
  await followed

  const second = envelopeOf(await client.callTool({ name: 'get_report_status', arguments: { topic_id: started.topic_id, wait_seconds: 2 } }))
  t.match(second.error, { code: 'RATE_LIMITED', message: /최대 1개/ })
  const stream = await app.inject({ method: 'GET', url: `/api/topics/${started.topic_id}/status/stream`, headers: bearer('mcp-watcher') })
  t.equal(stream.statusCode, 429, 'the SSE stream counts the same slots')
  t.notOk((await client.callTool({ name: 'get_report_status', arguments: { topic_id: started.topic_id } })).isError, 'a read without waiting needs no slot')

  t.match(structured(await waiting), { status: 'generating' }, 'the wait ran out with the report still being written')
  const after = await client.callTool({ name: 'get_report_status', arguments: { topic_id: started.topic_id, wait_seconds: 1 } })
  t.notOk(after.isError, 'the slot came back when the wait ended')
})

t.test('cancel_report stops the generation; a call waiting on it answers cancelled', async (t) => {
  const { app, url, fake } = await startService(t, { SHUTDOWN_GRACE_MS: '100' })
  t.ok(app.hasRoute({ method: 'POST', url: '/api/topics/:id/cancel' }), 'the API can cancel')
  fake.reportBehaviors = [{ kind: 'hang' }]
  const client = await connect(t, url, bearer('mcp-cancel'))
  const started = structured<{ topic_id: number }>(
    await client.callTool({ name: 'generate_report', arguments: { topic: TOPIC, plan: SAMPLE_PLAN, wait_seconds: 0 } }))
  const waiting = client.callTool({ name: 'get_report_status', arguments: { topic_id: started.topic_id, wait_seconds: 60 } })

  const intruder = await connect(t, url, bearer('mcp-saboteur'))
  t.match(envelopeOf(await intruder.callTool({ name: 'cancel_report', arguments: { topic_id: started.topic_id } })).error,
    { code: 'NOT_FOUND' }, 'only the owner can cancel')

  const cancelled = await client.callTool({ name: 'cancel_report', arguments: { topic_id: started.topic_id } })
  t.match(structured(cancelled), { topic_id: started.topic_id, status: 'cancelled' })
  t.match(structured(await waiting), { status: 'cancelled', artifact_id: null })
  t.match(envelopeOf(await client.callTool({ name: 'cancel_report', arguments: { topic_id: '1' } })).error, { code: 'VALIDATION_ERROR' })
})

t.test('a deploy while a call waits: the call is answered and the server still closes', async (t) => {
  const { app, url, fake } = await startService(t, { SHUTDOWN_GRACE_MS: '100' }, { ownDatabase: true })
  fake.reportBehaviors = [{ kind: 'hang' }]
  const client = await connect(t, url, bearer('mcp-deployed'))
  let writing: () => void
  const started = new Promise<void>((resolve) => { writing = resolve })
  const call = client.callTool(
    { name: 'generate_report', arguments: { topic: TOPIC, plan: SAMPLE_PLAN, wait_seconds: 600 } },
    undefined,
    { onprogress: (update) => { if (update.progress >= 5) writing() } }
  )
  await started
  const closed = app.close()
  const result = await call
  await closed
  t.notOk(result.isError)
  // A run cut off by shutdown is handed back to the queue for the next process to write again.
  const status = structured<{ status: string, current_step: string, artifact_id: number | null }>(result)
  t.equal(status.status, 'generating', 'answered with the run\'s state at shutdown')
  t.match(status.current_step, /서버가 다시 시작되어 작성이 중단되었습니다. 곧 처음부터 다시 작성합니다/, 'handed back to the queue')
  t.equal(status.artifact_id, null)
})

t.test('no token, a bad token, and methods a stateless server does not serve', async (t) => {
  const { url } = await startService(t)
  const initialize = JSON.stringify({
    jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'curl', version: '1' } }
  })
  const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }

  const anonymous = await fetch(`${url}/mcp`, { method: 'POST', headers, body: initialize })
  t.equal(anonymous.status, 401)
  t.match(await anonymous.json(), { success: false, error: { code: 'UNAUTHORIZED' } })
  const forged = await fetch(`${url}/mcp`, { method: 'POST', headers: { ...headers, ...bearer('mcp-x', 'another-secret-that-is-long-enough-for-hs256') }, body: initialize })
  t.equal(forged.status, 401)
  await t.rejects(connect(t, url, {}), { code: 401, message: /UNAUTHORIZED/ }, 'the SDK client is refused without a token')

  const signedIn = await fetch(`${url}/mcp`, { method: 'POST', headers: { ...headers, ...bearer('mcp-x') }, body: initialize })
  t.equal(signedIn.status, 200)
  t.equal(signedIn.headers.get('mcp-session-id'), null, 'stateless: no session')
  t.ok(signedIn.headers.get('x-request-id'), 'the request id is echoed as on every route')
  t.match(await signedIn.text(), /"serverInfo":\{"name":"reportflow"/)

  const get = await fetch(`${url}/mcp`, { headers: { accept: 'text/event-stream', ...bearer('mcp-x') } })
  t.equal(get.status, 405)
  t.equal(get.headers.get('allow'), 'POST')
  t.equal((await fetch(`${url}/mcp`, { method: 'DELETE', headers: bearer('mcp-x') })).status, 405)
  t.equal((await fetch(`${url}/mcp`, { headers: { accept: 'text/event-stream' } })).status, 401, 'GET needs the token too')
})
