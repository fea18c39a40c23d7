import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { FakeAnthropic } from '../test/support/fake-anthropic.js'
import { authHeader, ms, startBenchServer, summarize, timed } from './support.js'

/**
 * What the MCP layer costs on top of the API it runs in process: the same reads as a tool call
 * and as a plain HTTP request, one after another; then many agents waiting on one generation at
 * once, each told its progress, and how soon after the report is saved they all have their answer.
 */
const CALLS = Number(process.env.BENCH_MCP_CALLS ?? 200)
const WAITERS = Number(process.env.BENCH_MCP_WAITERS ?? 100)
const PLAN = '# 벤치마크\n\n## 요약\n\n요약\n\n## 분석\n\n분석\n\n## 결론\n\n결론\n'

const fake = await new FakeAnthropic().start()
const server = await startBenchServer({ ANTHROPIC_API_KEY: 'bench', ANTHROPIC_BASE_URL: fake.url })
const headers = authHeader('bench-mcp')

async function connect () {
  const client = new Client({ name: 'bench', version: '1.0.0' })
  await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', server.url), { requestInit: { headers } }))
  return client
}

async function sequential (run: () => Promise<unknown>) {
  const samples: number[] = []
  for (let i = 0; i < CALLS; i++) samples.push((await timed(run))[1])
  return summarize(samples)
}

const client = await connect()
const started = await client.callTool({ name: 'generate_report', arguments: { topic: '벤치마크', plan: PLAN, wait_seconds: 60 } }) as CallToolResult
const topicId = (started.structuredContent as { topic_id: number }).topic_id

/** One tools/call as a bare POST: the server's cost alone, without the SDK client's parsing and checks. */
const rawCall = (name: string, args: Record<string, unknown>) => fetch(`${server.url}/mcp`, {
  method: 'POST',
  headers: { ...headers, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18' },
  body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args } })
}).then((r) => r.text())

const rows: Array<[string, ReturnType<typeof summarize>]> = [
  ['GET /api/topics/:id/status', await sequential(() => fetch(`${server.url}/api/topics/${topicId}/status`, { headers }).then((r) => r.json()))],
  ['get_report_status, bare POST /mcp', await sequential(() => rawCall('get_report_status', { topic_id: topicId }))],
  ['get_report_status, SDK client', await sequential(() => client.callTool({ name: 'get_report_status', arguments: { topic_id: topicId } }))],
  ['GET /api/templates', await sequential(() => fetch(`${server.url}/api/templates`, { headers }).then((r) => r.json()))],
  ['list_templates, bare POST /mcp', await sequential(() => rawCall('list_templates', {}))],
  ['list_templates, SDK client', await sequential(() => client.callTool({ name: 'list_templates', arguments: {} }))]
]

// Slow enough that every waiter is connected before the report is finished.
fake.defaultReport = { kind: 'report', chunkDelayMs: 40 }
const waiters = await Promise.all(Array.from({ length: WAITERS }, connect))
const first = await client.callTool({ name: 'generate_report', arguments: { topic: '벤치마크', plan: PLAN, wait_seconds: 0 } }) as CallToolResult
const followed = (first.structuredContent as { topic_id: number }).topic_id
let notifications = 0
const answers = await Promise.all(waiters.map(async (waiter) => {
  const result = await waiter.callTool({ name: 'get_report_status', arguments: { topic_id: followed, wait_seconds: 120 } }, undefined, {
    onprogress: () => { notifications++ }, timeout: 130_000
  }) as CallToolResult
  return { status: (result.structuredContent as { status: string, completed_at: string }), at: Date.now() }
}))
const completedAt = Date.parse(answers[0]!.status.completed_at)
const lag = summarize(answers.map((answer) => answer.at - completedAt))
if (answers.some((answer) => answer.status.status !== 'completed')) throw new Error('a waiter did not see the completion')

console.log(`database: ${server.driver}; ${CALLS} sequential calls each (the status is a completed one: the MCP answer adds its file links)\n`)
console.log('| measurement | n | p50 | p99 | max |\n|---|---|---|---|---|')
for (const [name, s] of rows) console.log(`| ${name} | ${s.n} | ${ms(s.p50)} | ${ms(s.p99)} | ${ms(s.max)} |`)
console.log(`| ${WAITERS} get_report_status waits on one generation: answer after completed_at | ${lag.n} | ${ms(lag.p50)} | ${ms(lag.p99)} | ${ms(lag.max)} |`)
console.log(`\n${notifications} progress notifications delivered (${(notifications / WAITERS).toFixed(1)} per waiter); the clients share the server's process and cores`)

await Promise.all([client, ...waiters].map((c) => c.close()))
await server.close()
await fake.close()
