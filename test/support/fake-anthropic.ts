import http from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

/**
 * A stand-in for the Anthropic Messages API on loopback: the real SDK talks to it over HTTP
 * through `baseURL`, so tests exercise the SDK, our request shapes and our error handling.
 */

export interface RecordedRequest {
  path: string
  headers: http.IncomingHttpHeaders
  body: {
    model: string
    stream?: boolean
    max_tokens: number
    system?: Array<{ type: string, text: string, cache_control?: { type: string } }> | string
    messages: Array<{ role: string, content: string }>
    tools?: Array<{ name: string, input_schema: unknown }>
    tool_choice?: { type: string, name?: string }
  }
}

export type PlanBehavior =
  | { kind: 'outline', outline?: unknown, delayMs?: number }
  | { kind: 'status', status: number, errorType?: string }
  | { kind: 'malformed' }
  | { kind: 'text-only' }
  | { kind: 'hang' }

export type ReportBehavior =
  | { kind: 'report', markdown?: string, chunkDelayMs?: number, failAfterChunks?: number, failWith?: 'overloaded' | 'disconnect' }
  | { kind: 'status', status: number, errorType?: string }
  | { kind: 'hang' }

export const SAMPLE_OUTLINE = {
  title: '2026 디지털뱅킹 트렌드 분석',
  sections: [
    { title: '요약', description: '핵심 결론과 시사점', key_points: ['디지털 전환 가속', '규제 변화'] },
    { title: '배경 및 목적', description: '디지털뱅킹이 지금 중요한 이유', key_points: ['비대면 거래 확대'] },
    { title: '시장 분석', description: '국내외 시장 현황과 경쟁 구도', key_points: ['인터넷전문은행 성장', '빅테크 진입'] },
    { title: '기술 동향', description: 'AI, 클라우드, 오픈뱅킹', key_points: ['생성형 AI 상담'] },
    { title: '결론 및 제언', description: '전략 방향과 실행 과제', key_points: ['우선순위별 과제'] }
  ]
}

function planSectionsFrom (userContent: string): string[] {
  return userContent.split('\n').flatMap((line) => /^##\s+(.+)$/.exec(line)?.[1]?.trim() ?? [])
}

/** A report that follows the plan in the request, so progress tracking sees every planned heading. */
export function reportFor (userContent: string): string {
  const sections = planSectionsFrom(userContent)
  const body = sections.map((title, index) =>
    `## ${title}\n\n${title}에 대한 분석 내용입니다. 이 문단은 ${index + 1}번째 섹션의 본문으로, **핵심**과 *강조*를 포함합니다.\n\n- 첫째 항목\n- 둘째 항목\n`)
  return `# 보고서\n\n${body.join('\n')}`
}

/** Splits text into pieces at most `size` characters long without cutting a surrogate pair. */
function chunk (text: string, size: number): string[] {
  const chars = Array.from(text)
  const pieces: string[] = []
  for (let i = 0; i < chars.length; i += size) pieces.push(chars.slice(i, i + size).join(''))
  return pieces
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export class FakeAnthropic {
  readonly requests: RecordedRequest[] = []
  planBehaviors: PlanBehavior[] = []
  reportBehaviors: ReportBehavior[] = []
  defaultPlan: PlanBehavior = { kind: 'outline' }
  defaultReport: ReportBehavior = { kind: 'report' }
  private readonly server = http.createServer((req, res) => { this.handle(req, res).catch(() => res.destroy()) })
  private readonly sockets = new Set<Socket>()

  get url () {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
  }

  planRequests () { return this.requests.filter((r) => !r.body.stream) }
  reportRequests () { return this.requests.filter((r) => r.body.stream) }

  async start () {
    this.server.on('connection', (socket) => {
      this.sockets.add(socket)
      socket.on('close', () => this.sockets.delete(socket))
    })
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve))
    return this
  }

  async close () {
    for (const socket of this.sockets) socket.destroy()
    await new Promise((resolve) => this.server.close(resolve))
  }

  private async handle (req: http.IncomingMessage, res: http.ServerResponse) {
    const chunks: Buffer[] = []
    for await (const piece of req) chunks.push(piece as Buffer)
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
    this.requests.push({ path: req.url ?? '', headers: req.headers, body })
    if (req.method !== 'POST' || !req.url?.startsWith('/v1/messages')) {
      return this.error(res, 404, 'not_found_error')
    }
    if (body.stream) return this.report(body, res, this.reportBehaviors.shift() ?? this.defaultReport)
    return this.plan(body, res, this.planBehaviors.shift() ?? this.defaultPlan)
  }

  private error (res: http.ServerResponse, status: number, type = status === 529 ? 'overloaded_error' : 'api_error') {
    res.writeHead(status, { 'content-type': 'application/json', 'request-id': 'req_fake' })
    res.end(JSON.stringify({ type: 'error', error: { type, message: `fake ${type}` } }))
  }

  private async plan (body: RecordedRequest['body'], res: http.ServerResponse, behavior: PlanBehavior) {
    switch (behavior.kind) {
      case 'hang': return
      case 'status': return this.error(res, behavior.status, behavior.errorType)
      case 'malformed':
        res.writeHead(200, { 'content-type': 'application/json' })
        return res.end('{"id": "msg_1", "content": [')
      case 'text-only':
        return this.json(res, this.message(body.model, [{ type: 'text', text: '계획은 다음과 같습니다: 개요, 분석, 결론' }], 'end_turn'))
      case 'outline':
        if (behavior.delayMs) await sleep(behavior.delayMs)
        if (res.destroyed) return
        return this.json(res, this.message(body.model, [{
          type: 'tool_use', id: 'toolu_fake', name: body.tool_choice?.name ?? 'tool', input: behavior.outline ?? SAMPLE_OUTLINE
        }], 'tool_use'))
    }
  }

  private message (model: string, content: unknown[], stopReason: string) {
    return {
      id: 'msg_fake',
      type: 'message',
      role: 'assistant',
      model,
      content,
      stop_reason: stopReason,
      stop_sequence: null,
      usage: { input_tokens: 321, output_tokens: 123, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 }
    }
  }

  private json (res: http.ServerResponse, payload: unknown) {
    res.writeHead(200, { 'content-type': 'application/json', 'request-id': 'req_fake' })
    res.end(JSON.stringify(payload))
  }

  private async report (body: RecordedRequest['body'], res: http.ServerResponse, behavior: ReportBehavior) {
    if (behavior.kind === 'hang') return
    if (behavior.kind === 'status') return this.error(res, behavior.status, behavior.errorType)
    const markdown = behavior.markdown ?? reportFor(body.messages.at(-1)?.content ?? '')
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
    const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
    send('message_start', { type: 'message_start', message: { ...this.message(body.model, [], ''), stop_reason: null, usage: { input_tokens: 500, output_tokens: 1 } } })
    send('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } })
    const pieces = chunk(markdown, 40)
    for (const [index, piece] of pieces.entries()) {
      if (behavior.failAfterChunks !== undefined && index === behavior.failAfterChunks) {
        // Let the client read what was sent: a reset right behind the data can discard it unread.
        await sleep(50)
        if (behavior.failWith === 'disconnect') return res.destroy()
        send('error', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } })
        return res.end()
      }
      if (behavior.chunkDelayMs) await sleep(behavior.chunkDelayMs)
      if (res.destroyed) return
      send('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: piece } })
    }
    send('content_block_stop', { type: 'content_block_stop', index: 0 })
    send('message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 2000 } })
    send('message_stop', { type: 'message_stop' })
    res.end()
  }
}

export async function startFakeAnthropic (t: { teardown: (fn: () => unknown) => void }) {
  const fake = await new FakeAnthropic().start()
  t.teardown(() => fake.close())
  return fake
}

export function anthropicEnv (fake: FakeAnthropic): Record<string, string> {
  return { ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: fake.url }
}
