import http from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

/**
 * A stand-in for the Anthropic Messages API on loopback: the real SDK talks to it over HTTP
 * through `baseURL`, so tests exercise the SDK, our request shapes and our error handling.
 * With a speed model it also answers at the pace of the real thing: the first token after
 * `firstTokenMs`, then `tokensPerSecond`, for streamed and unstreamed answers alike.
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
    tools?: Array<{ name: string, input_schema: unknown, strict?: boolean, eager_input_streaming?: boolean }>
    tool_choice?: { type: string, name?: string }
  }
  /** Settles when the answer's connection closes: true if the whole answer went out, false if it was cut short. */
  finished: Promise<boolean>
}

export interface SpeedModel {
  firstTokenMs: number
  tokensPerSecond: number
  /** Hangul syllables per output token; every other character counts a quarter token. */
  syllablesPerToken: number
}

/**
 * Published third-party measurements of Claude Haiku 4.5: 0.6–1.7 s to the first token, then
 * about 97–125 tokens/s, with Korean at one to 2.5 syllables a token (`typical`, `fast`). The
 * report model writes slower: `sonnet` is Sonnet's usual pace, about 1.5 s to the first token
 * and 60 tokens/s.
 */
export const SPEED_PROFILES = {
  typical: { firstTokenMs: 900, tokensPerSecond: 110, syllablesPerToken: 1 },
  fast: { firstTokenMs: 600, tokensPerSecond: 125, syllablesPerToken: 2.5 },
  sonnet: { firstTokenMs: 1500, tokensPerSecond: 60, syllablesPerToken: 1 }
} satisfies Record<string, SpeedModel>

const HANGUL_SYLLABLE = /[\uAC00-\uD7A3]/g

/** Output tokens the model spends on `text`: one per `syllablesPerToken` Hangul syllables, one per four other characters. */
export function estimateTokens (text: string, syllablesPerToken: number): number {
  const syllables = text.match(HANGUL_SYLLABLE)?.length ?? 0
  const others = Array.from(text).length - syllables
  return syllables / syllablesPerToken + others / 4
}

/** How a stream ends early: a lost connection, or an `overloaded_error` event as the API sends it. */
export type MidStreamFailure = 'disconnect' | 'overloaded'

export interface SampleOutline {
  title: string
  sections: Array<{ title: string, description: string }>
}

export type PlanBehavior =
  | {
    kind: 'outline'
    /** What the model means to say; written in the shape the request's tool asks for. */
    outline?: SampleOutline
    /** The tool input exactly as sent (an object, or raw JSON text that need not parse). */
    input?: unknown
    delayMs?: number
    /** Ends the stream after this many characters of tool input. */
    failAfterChars?: number
    failWith?: MidStreamFailure
    /** Stops streaming after exactly this many characters of tool input until `until` settles. */
    holdAfterChars?: number
    until?: Promise<unknown>
  }
  | { kind: 'status', status: number, errorType?: string }
  | { kind: 'malformed' }
  | { kind: 'text-only' }
  | { kind: 'hang' }

export type ReportBehavior =
  | {
    kind: 'report'
    /** The answer, or how to write it from the request's user prompt (the plan). */
    markdown?: string | ((userContent: string) => string)
    chunkDelayMs?: number
    /** Characters per text delta (40 unless set); the API sends a few tokens at a time. */
    chunkChars?: number
    failAfterChunks?: number
    failWith?: MidStreamFailure
    /** How the model says it stopped: `end_turn` unless set (`max_tokens` for a report cut off at its budget). */
    stopReason?: string
    /** Stops streaming after this many pieces of text until `until` settles. */
    holdAfterChunks?: number
    until?: Promise<unknown>
  }
  | { kind: 'status', status: number, errorType?: string }
  | { kind: 'hang' }
  /** Closes the connection without answering, as an unreachable or crashed API would. */
  | { kind: 'drop' }

export const SAMPLE_OUTLINE: SampleOutline = {
  title: '2026 디지털뱅킹 트렌드 분석',
  sections: [
    { title: '요약', description: '핵심 결론과 시사점: 디지털 전환 가속과 규제 변화' },
    { title: '배경 및 목적', description: '디지털뱅킹이 지금 중요한 이유와 비대면 거래 확대' },
    { title: '시장 분석', description: '국내외 시장 현황과 경쟁 구도: 인터넷전문은행 성장과 빅테크 진입' },
    { title: '기술 동향', description: 'AI, 클라우드, 오픈뱅킹과 생성형 AI 상담' },
    { title: '결론 및 제언', description: '전략 방향과 우선순위별 실행 과제' }
  ]
}

/**
 * Outlines as Claude writes them for the default business template: five to eight sections,
 * titles of two to twelve syllables, one or two sentences each. `sampleOutline(n)` cycles
 * through them, so a run of requests is the same sample every time.
 */
export const SAMPLE_OUTLINES: SampleOutline[] = [
  SAMPLE_OUTLINE,
  {
    title: '국내 전기차 배터리 재활용 산업 현황과 과제',
    sections: [
      { title: '요약', description: '재활용 산업의 성장세와 정책 과제를 한눈에 정리한다.' },
      { title: '배경 및 목적', description: '폐배터리 배출량 급증과 핵심 광물 확보 필요성을 설명한다.' },
      { title: '시장 현황', description: '국내 재활용 기업의 처리 용량과 수거 체계를 분석한다.' },
      { title: '기술 동향', description: '건식과 습식 공정, 직접 재활용 기술의 경제성을 비교한다.' },
      { title: '규제와 정책', description: '배터리 여권과 재활용 의무 비율 등 국내외 제도를 검토한다.' },
      { title: '결론 및 제언', description: '수거 인프라와 표준화를 중심으로 실행 과제를 제안한다.' }
    ]
  },
  {
    title: '생성형 AI 도입에 따른 콜센터 운영 혁신 방안',
    sections: [
      { title: '요약', description: '상담 자동화의 효과와 도입 우선순위를 요약한다.' },
      { title: '현황 분석', description: '현재 콜센터의 상담량, 처리 시간, 인력 구조를 진단한다.' },
      { title: '도입 사례', description: '국내외 금융사와 통신사의 AI 상담 도입 사례를 비교한다.' },
      { title: '기대 효과', description: '비용 절감과 고객 만족도 개선 효과를 정량적으로 추정한다.' },
      { title: '위험 요인', description: '오답, 개인정보 유출, 상담원 역할 변화에 따른 위험을 정리한다.' },
      { title: '결론 및 제언', description: '단계별 도입 로드맵과 거버넌스 체계를 제안한다.' }
    ]
  },
  {
    title: '2026년 중소기업 수출 지원 정책 평가',
    sections: [
      { title: '요약', description: '주요 지원 사업의 성과와 개선 방향을 정리한다.' },
      { title: '정책 개요', description: '수출 바우처, 무역 금융, 해외 전시회 지원 사업을 소개한다.' },
      { title: '성과 분석', description: '지원 기업의 수출 실적 변화를 비교 분석한다.' },
      { title: '한계와 과제', description: '중복 지원과 사후 관리 부족 문제를 짚는다.' },
      { title: '결론 및 제언', description: '성과 기반 지원 체계로의 전환을 제안한다.' }
    ]
  },
  {
    title: '스마트 물류센터 자동화 투자 타당성 검토',
    sections: [
      { title: '요약', description: '투자 규모와 회수 기간, 권고안을 먼저 제시한다.' },
      { title: '배경 및 목적', description: '물동량 증가와 인력난에 따른 자동화 필요성을 설명한다.' },
      { title: '현행 운영 진단', description: '입고부터 출고까지 공정별 병목과 비용을 진단한다.' },
      { title: '자동화 대안 비교', description: '로봇 피킹, 자동 분류기, 무인 운반차의 장단점을 비교한다.' },
      { title: '투자 효과 분석', description: '인건비 절감과 처리량 증가를 반영한 투자 수익률을 산출한다.' },
      { title: '리스크 관리', description: '시스템 장애와 도입 지연에 대비한 대응 방안을 정리한다.' },
      { title: '결론 및 제언', description: '단계적 투자 일정과 우선 도입 영역을 제안한다.' }
    ]
  },
  {
    title: '청년 고용 동향과 일자리 정책 개선 방향',
    sections: [
      { title: '요약', description: '청년 고용 지표의 변화와 정책 시사점을 요약한다.' },
      { title: '고용 동향', description: '취업률, 쉬었음 인구, 일자리 질의 변화를 분석한다.' },
      { title: '정책 현황', description: '청년 일자리 지원 사업의 규모와 구조를 정리한다.' },
      { title: '해외 사례', description: '독일과 덴마크의 직업 훈련과 고용 연계 제도를 살펴본다.' },
      { title: '결론 및 제언', description: '수요 맞춤형 훈련과 지역 일자리 연계를 제안한다.' }
    ]
  },
  {
    title: '사내 클라우드 전환 1단계 결과 보고',
    sections: [
      { title: '개요', description: '1단계 전환 범위와 일정, 참여 조직을 정리한다.' },
      { title: '추진 경과', description: '시스템별 이전 순서와 주요 의사결정을 기록한다.' },
      { title: '성과', description: '운영 비용, 장애 건수, 배포 주기의 변화를 제시한다.' },
      { title: '문제점', description: '데이터 이전 지연과 권한 관리 혼선의 원인을 분석한다.' },
      { title: '2단계 계획', description: '남은 시스템의 이전 일정과 필요한 예산을 제시한다.' }
    ]
  },
  {
    title: '글로벌 반도체 공급망 재편이 국내 산업에 미치는 영향과 대응 전략',
    sections: [
      { title: '요약', description: '공급망 재편의 핵심 변화와 국내 산업의 대응 방향을 요약한다.' },
      { title: '배경 및 목적', description: '미중 기술 경쟁과 각국 보조금 정책이 공급망을 바꾸는 배경을 설명한다.' },
      { title: '주요국 정책 동향', description: '미국, 유럽, 일본, 대만의 반도체 지원 법과 투자 유치 전략을 비교한다.' },
      { title: '국내 산업 영향 분석', description: '메모리와 파운드리, 소재와 장비 분야별 영향을 분석한다.' },
      { title: '기업별 대응 현황', description: '주요 기업의 해외 공장 투자와 공급선 다변화 현황을 정리한다.' },
      { title: '인력과 기술 확보 과제', description: '설계 인력 부족과 첨단 패키징 기술 격차를 진단한다.' },
      { title: '정책 시나리오별 전망', description: '수출 통제 강화와 완화 시나리오에 따른 전망을 제시한다.' },
      { title: '결론 및 정책 제언', description: '세제 지원, 인력 양성, 동맹국 협력 과제를 제안한다.' }
    ]
  },
  {
    title: '지역 관광 활성화를 위한 축제 운영 개선',
    sections: [
      { title: '요약', description: '축제 운영의 문제와 개선안을 짧게 정리한다.' },
      { title: '현황', description: '최근 3년간 방문객 수와 지역 경제 효과를 분석한다.' },
      { title: '방문객 조사 결과', description: '만족도와 재방문 의향, 불편 사항을 정리한다.' },
      { title: '개선 방안', description: '교통, 숙박, 프로그램 구성의 개선안을 제시한다.' },
      { title: '결론', description: '추진 일정과 필요 예산을 제안한다.' }
    ]
  },
  {
    title: 'ESG 공시 의무화 대비 준비 현황',
    sections: [
      { title: '요약', description: '공시 의무화 일정과 회사의 준비 수준을 요약한다.' },
      { title: '제도 개요', description: '국내 ESG 공시 기준과 적용 대상, 시기를 설명한다.' },
      { title: '준비 현황', description: '데이터 수집 체계와 담당 조직의 준비 상태를 점검한다.' },
      { title: '격차 분석', description: '기준 대비 부족한 공시 항목과 보완 과제를 정리한다.' },
      { title: '결론 및 제언', description: '우선 보완 항목과 일정을 제안한다.' }
    ]
  }
]

export const sampleOutline = (index: number): SampleOutline => SAMPLE_OUTLINES[index % SAMPLE_OUTLINES.length]!

/** The input of our outline tool: the section titles first, then one description per section. */
export function outlineToolInput (outline: SampleOutline): unknown {
  return {
    section_titles: outline.sections.map((section) => section.title),
    descriptions: outline.sections.map((section) => section.description)
  }
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

const REPORT_SENTENCES = [
  '최근 3년간 관련 시장은 연평균 12% 안팎의 성장세를 보였으며, 비대면 수요 확대가 이를 뒷받침하였다.',
  '주요 기업들은 기존 사업 구조를 유지하면서도 신규 서비스에 대한 투자를 점진적으로 늘리고 있다.',
  '다만 규제 환경의 변화와 인력 확보의 어려움은 단기적인 성장 속도를 제약하는 요인으로 작용한다.',
  '국내외 사례를 비교하면 초기 투자 규모보다 운영 체계의 성숙도가 성과를 좌우하는 것으로 나타난다.',
  '이에 따라 단계적 도입과 성과 측정 체계를 함께 설계하는 접근이 바람직하다.',
  '특히 고객 접점에서의 경험 개선은 재이용률과 수익성에 직접적인 영향을 미치는 것으로 분석된다.',
  '정부의 지원 정책은 중소기업의 참여를 늘리는 데 기여했으나, 사후 관리 체계는 여전히 미흡하다.',
  '향후 2년간은 기술 표준화와 데이터 활용 기반 구축이 경쟁력 확보의 핵심 과제가 될 전망이다.'
]

/**
 * A report as Claude writes one for `userContent`'s plan: every planned `##` section, each about
 * `sectionTokens` output tokens of Korean prose (paragraphs, a short list), so a run of eight
 * sections at Sonnet's pace takes as long as the real thing (about 80 s).
 */
export function realisticReportFor (userContent: string, sectionTokens = 575): string {
  let sentence = 0
  const sections = planSectionsFrom(userContent).map((title) => {
    const paragraphs: string[] = []
    let tokens = 0
    while (tokens < sectionTokens * 0.8) {
      const paragraph = Array.from({ length: 3 }, () => REPORT_SENTENCES[sentence++ % REPORT_SENTENCES.length]).join(' ')
      tokens += estimateTokens(paragraph, 1)
      paragraphs.push(paragraph)
    }
    const items = ['현황 진단과 과제 정리', '단계별 추진 일정 수립', '성과 지표와 점검 체계 마련']
    return `## ${title}\n\n${paragraphs.join('\n\n')}\n\n${items.map((item) => `- ${item}`).join('\n')}\n`
  })
  return `# 보고서\n\n${sections.join('\n')}`
}

/** Splits text into pieces at most `size` characters long without cutting a surrogate pair. */
function chunk (text: string, size: number): string[] {
  const chars = Array.from(text)
  const pieces: string[] = []
  for (let i = 0; i < chars.length; i += size) pieces.push(chars.slice(i, i + size).join(''))
  return pieces
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A few tokens per delta, as the API sends them. */
const DELTA_CHARS = 6

/**
 * When each piece of an answer may leave: after the first-token delay, then as fast as the
 * model writes. One clock per answer, so timer jitter does not add up over many pieces.
 */
class Pacer {
  private readonly startedAt = performance.now()
  private tokens = 0

  constructor (private readonly speed: SpeedModel | undefined) {}

  get outputTokens () { return Math.max(1, Math.round(this.tokens)) }

  async firstToken () {
    if (this.speed) await sleep(this.speed.firstTokenMs)
  }

  /** Waits until `text` has been written, counting from the start of the answer. */
  async write (text: string) {
    if (!this.speed) {
      this.tokens += estimateTokens(text, 1)
      return
    }
    this.tokens += estimateTokens(text, this.speed.syllablesPerToken)
    const due = this.startedAt + this.speed.firstTokenMs + (this.tokens / this.speed.tokensPerSecond) * 1000
    const wait = due - performance.now()
    if (wait > 0) await sleep(wait)
  }
}

export interface FakeAnthropicOptions {
  speed?: SpeedModel
}

export class FakeAnthropic {
  readonly requests: RecordedRequest[] = []
  planBehaviors: PlanBehavior[] = []
  reportBehaviors: ReportBehavior[] = []
  defaultPlan: PlanBehavior = { kind: 'outline' }
  defaultReport: ReportBehavior = { kind: 'report' }
  /** Unset: every answer at once. Set: the model's pace, for plans and reports alike. */
  speed: SpeedModel | undefined
  /** When set, plans without an outline of their own take the next of these in turn. */
  outlineSample: ((index: number) => SampleOutline) | undefined
  private planCount = 0
  private readonly server = http.createServer((req, res) => { this.handle(req, res).catch(() => res.destroy()) })
  private readonly sockets = new Set<Socket>()

  constructor (options: FakeAnthropicOptions = {}) {
    this.speed = options.speed
  }

  get url () {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
  }

  /** Planning calls carry the outline tool; report calls carry none. */
  planRequests () { return this.requests.filter((r) => r.body.tools !== undefined) }
  reportRequests () { return this.requests.filter((r) => r.body.tools === undefined) }

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
    const finished = new Promise<boolean>((resolve) => res.on('close', () => resolve(res.writableFinished)))
    const chunks: Buffer[] = []
    for await (const piece of req) chunks.push(piece as Buffer)
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
    this.requests.push({ path: req.url ?? '', headers: req.headers, body, finished })
    if (req.method !== 'POST' || !req.url?.startsWith('/v1/messages')) {
      return this.error(res, 404, 'not_found_error')
    }
    if (body.tools === undefined) return this.report(body, res, this.reportBehaviors.shift() ?? this.defaultReport)
    return this.plan(body, res, this.planBehaviors.shift() ?? this.defaultPlan, this.planCount++)
  }

  private error (res: http.ServerResponse, status: number, type = status === 529 ? 'overloaded_error' : 'api_error') {
    res.writeHead(status, { 'content-type': 'application/json', 'request-id': 'req_fake' })
    res.end(JSON.stringify({ type: 'error', error: { type, message: `fake ${type}` } }))
  }

  private toolInputText (behavior: Extract<PlanBehavior, { kind: 'outline' }>, index: number): string {
    if (typeof behavior.input === 'string') return behavior.input
    if (behavior.input !== undefined) return JSON.stringify(behavior.input)
    const outline = behavior.outline ?? this.outlineSample?.(index) ?? SAMPLE_OUTLINE
    return JSON.stringify(outlineToolInput(outline))
  }

  private async plan (body: RecordedRequest['body'], res: http.ServerResponse, behavior: PlanBehavior, index: number) {
    switch (behavior.kind) {
      case 'hang': return
      case 'status': return this.error(res, behavior.status, behavior.errorType)
      case 'malformed':
        res.writeHead(200, { 'content-type': body.stream ? 'text/event-stream' : 'application/json' })
        return res.end(body.stream ? 'event: message_start\ndata: {"type": "message_start", "message": {\n\n' : '{"id": "msg_1", "content": [')
      case 'text-only':
        return this.answer(body, res, { type: 'text', text: '계획은 다음과 같습니다: 개요, 분석, 결론' }, 'end_turn')
      case 'outline': {
        if (behavior.delayMs) await sleep(behavior.delayMs)
        if (res.destroyed) return
        const inputText = this.toolInputText(behavior, index)
        const block = { type: 'tool_use' as const, id: 'toolu_fake', name: body.tool_choice?.name ?? 'tool', input: inputText }
        const failure = behavior.failAfterChars === undefined ? undefined : { afterChars: behavior.failAfterChars, with: behavior.failWith ?? 'disconnect' }
        const hold = behavior.holdAfterChars === undefined ? undefined : { afterChars: behavior.holdAfterChars, until: behavior.until ?? Promise.resolve() }
        return this.answer(body, res, block, 'tool_use', failure, hold)
      }
    }
  }

  /**
   * One content block, streamed or not, at the speed model's pace. A tool block's `input` is its
   * JSON text here, so it can be streamed as `input_json_delta` pieces exactly as written.
   */
  private async answer (
    body: RecordedRequest['body'],
    res: http.ServerResponse,
    block: { type: 'text', text: string } | { type: 'tool_use', id: string, name: string, input: string },
    stopReason: string,
    failure?: { afterChars: number, with: MidStreamFailure },
    hold?: { afterChars: number, until: Promise<unknown> }
  ) {
    const pacer = new Pacer(this.speed)
    const text = block.type === 'text' ? block.text : block.input
    if (!body.stream) {
      await pacer.firstToken()
      await pacer.write(text)
      if (res.destroyed) return
      const content = block.type === 'text' ? block : { ...block, input: JSON.parse(block.input) }
      return this.json(res, this.message(body.model, [content], stopReason, pacer.outputTokens))
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
    const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
    await pacer.firstToken()
    if (res.destroyed) return
    send('message_start', { type: 'message_start', message: { ...this.message(body.model, [], '', 1), stop_reason: null } })
    send('content_block_start', {
      type: 'content_block_start', index: 0, content_block: block.type === 'text' ? { type: 'text', text: '' } : { ...block, input: {} }
    })
    let sent = 0
    // Cut where the hold is, so exactly that much is out while it lasts (a piece across it would
    // be held back whole, and with it, say, the bracket that closes the section titles).
    const pieces = hold
      ? [...chunk(text.slice(0, hold.afterChars), DELTA_CHARS), ...chunk(text.slice(hold.afterChars), DELTA_CHARS)]
      : chunk(text, DELTA_CHARS)
    for (const piece of pieces) {
      if (failure && sent + piece.length > failure.afterChars) return this.failStream(res, send, failure.with)
      if (hold && sent >= hold.afterChars) {
        await hold.until
        hold = undefined
      }
      await pacer.write(piece)
      if (res.destroyed) return
      sent += piece.length
      send('content_block_delta', {
        type: 'content_block_delta',
        index: 0,
        delta: block.type === 'text' ? { type: 'text_delta', text: piece } : { type: 'input_json_delta', partial_json: piece }
      })
    }
    send('content_block_stop', { type: 'content_block_stop', index: 0 })
    send('message_delta', { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: pacer.outputTokens } })
    send('message_stop', { type: 'message_stop' })
    res.end()
  }

  private async failStream (res: http.ServerResponse, send: (event: string, data: unknown) => void, failure: MidStreamFailure) {
    // Let the client read what was sent: a reset right behind the data can discard it unread.
    await sleep(50)
    if (failure === 'disconnect') return res.destroy()
    send('error', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } })
    res.end()
  }

  private message (model: string, content: unknown[], stopReason: string, outputTokens: number) {
    return {
      id: 'msg_fake',
      type: 'message',
      role: 'assistant',
      model,
      content,
      stop_reason: stopReason,
      stop_sequence: null,
      usage: { input_tokens: 321, output_tokens: outputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 }
    }
  }

  private json (res: http.ServerResponse, payload: unknown) {
    res.writeHead(200, { 'content-type': 'application/json', 'request-id': 'req_fake' })
    res.end(JSON.stringify(payload))
  }

  private async report (body: RecordedRequest['body'], res: http.ServerResponse, behavior: ReportBehavior) {
    if (behavior.kind === 'hang') return
    if (behavior.kind === 'drop') return res.destroy()
    if (behavior.kind === 'status') return this.error(res, behavior.status, behavior.errorType)
    const userContent = body.messages.at(-1)?.content ?? ''
    const markdown = typeof behavior.markdown === 'function' ? behavior.markdown(userContent) : behavior.markdown ?? reportFor(userContent)
    const stopReason = behavior.stopReason ?? 'end_turn'
    if (!body.stream) return this.answer(body, res, { type: 'text', text: markdown }, stopReason)
    const pacer = new Pacer(this.speed)
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
    const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
    await pacer.firstToken()
    if (res.destroyed) return
    send('message_start', { type: 'message_start', message: { ...this.message(body.model, [], '', 1), stop_reason: null, usage: { input_tokens: 500, output_tokens: 1 } } })
    send('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } })
    const pieces = chunk(markdown, behavior.chunkChars ?? 40)
    for (const [index, piece] of pieces.entries()) {
      if (behavior.failAfterChunks !== undefined && index === behavior.failAfterChunks) {
        return this.failStream(res, send, behavior.failWith ?? 'overloaded')
      }
      if (index === behavior.holdAfterChunks) await (behavior.until ?? Promise.resolve())
      if (behavior.chunkDelayMs) await sleep(behavior.chunkDelayMs)
      await pacer.write(piece)
      if (res.destroyed) return
      send('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: piece } })
    }
    send('content_block_stop', { type: 'content_block_stop', index: 0 })
    send('message_delta', { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: this.speed ? pacer.outputTokens : 2000 } })
    send('message_stop', { type: 'message_stop' })
    res.end()
  }
}

export async function startFakeAnthropic (t: { teardown: (fn: () => unknown) => void }, options: FakeAnthropicOptions = {}) {
  const fake = await new FakeAnthropic(options).start()
  t.teardown(() => fake.close())
  return fake
}

export function anthropicEnv (fake: FakeAnthropic): Record<string, string> {
  return { ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: fake.url }
}
