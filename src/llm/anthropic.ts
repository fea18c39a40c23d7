import Anthropic, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from '@anthropic-ai/sdk'
import { setTimeout as sleep } from 'node:timers/promises'
import { OUTLINE_TOOL, OutlineStreamReader, OutlineToolInputSchema } from './outline-stream.js'
import {
  IncompleteReportError, InvalidModelOutputError, LlmServiceError, ReportTooLongError,
  type LlmFailure, type LlmProvider, type LlmUsage, type Outline, type OutlineListener, type PlanInput, type ReportInput
} from './provider.js'

export interface AnthropicProviderOptions {
  planModel: string
  reportModel: string
  planMaxTokens: number
  reportMaxTokens: number
  reportTimeoutMs: number
  reportMaxRetries: number
  /** First backoff delay; doubles on each retry. */
  retryBaseMs?: number
}

const PLANNER_INSTRUCTIONS = `당신은 보고서 기획자입니다. 사용자가 준 주제로 보고서의 목차를 순서대로 설계합니다.
단계적으로 생각하십시오: (1) 주제의 범위와 독자를 정하고, (2) 아래 작성 가이드의 구조를 따르며, (3) 각 섹션이 앞 섹션에 이어지도록 순서를 정하고, (4) 섹션마다 다룰 내용과 핵심 포인트를 정합니다.
결과는 반드시 ${OUTLINE_TOOL} 도구로만 제출합니다. 섹션 제목 5~7개를 먼저 모두 쓰고, 그다음 섹션마다 다룰 내용을 한두 문장으로 씁니다.
섹션 제목에는 번호를 붙이지 않고 12자 이내로 짧게 씁니다. 모든 텍스트는 한국어로 간결하게 씁니다.

[작성 가이드]
`

const RETRYABLE_STATUS = new Set([408, 409, 429, 500, 502, 503, 504, 529])
const RETRYABLE_ERROR_TYPES = new Set(['overloaded_error', 'api_error', 'rate_limit_error'])

/** 429, 5xx, "overloaded" (also when it arrives as an error event inside a stream) and lost connections. */
export function isRetryable (error: unknown): boolean {
  if (error instanceof APIUserAbortError) return false
  if (error instanceof APIConnectionError) return true
  if (error instanceof APIError) {
    if (error.status !== undefined && RETRYABLE_STATUS.has(error.status)) return true
    const type = (error.error as { error?: { type?: string } } | undefined)?.error?.type
    return type !== undefined && RETRYABLE_ERROR_TYPES.has(type)
  }
  return false
}

/** The SDK's errors become the port's; an abort stays an abort, so the caller knows it asked for it. */
export function toPortError (error: unknown): unknown {
  if (!(error instanceof APIError) || error instanceof APIUserAbortError) return error
  return new LlmServiceError(failureOf(error), error.message, { cause: error })
}

/** A connection error has no status: the API never answered, so it cannot have said it was overloaded. */
function failureOf (error: APIError): LlmFailure {
  if (error instanceof APIConnectionTimeoutError) return 'timeout'
  if (error instanceof APIConnectionError) return 'unreachable'
  if (error.status === 401 || error.status === 403) return 'unauthorized'
  return error.status === 429 || error.status === 529 ? 'overloaded' : 'failed'
}

function usageOf (model: string, usage: Anthropic.Usage, startedAt: number): LlmUsage {
  return {
    model,
    inputTokens: usage.input_tokens + (usage.cache_read_input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0),
    outputTokens: usage.output_tokens,
    latencyMs: Math.round(performance.now() - startedAt)
  }
}

export class AnthropicProvider implements LlmProvider {
  readonly kind = 'anthropic' as const

  constructor (readonly client: Anthropic, private readonly options: AnthropicProviderOptions) {}

  /**
   * One forced tool call, streamed: the tool input is read as it is written, so the skeleton
   * reaches the listener as soon as the model has written it, long before the message ends.
   */
  async planOutline (input: PlanInput, listener: OutlineListener, signal: AbortSignal): Promise<{ outline: Outline, usage: LlmUsage }> {
    const startedAt = performance.now()
    // The raw event stream, not messages.stream(): that one re-parses the whole partial tool input
    // on every delta, which at a hundred deltas a plan and many plans at once is CPU the answers need.
    const stream = await this.client.messages.create({
      model: this.options.planModel,
      max_tokens: this.options.planMaxTokens,
      stream: true,
      // The guide is the same for every topic of a template, so it is the cacheable prefix.
      system: [{ type: 'text', text: PLANNER_INSTRUCTIONS + input.guide, cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: `보고서 주제: ${input.topic}` }],
      tools: [{
        name: OUTLINE_TOOL,
        description: '보고서 목차를 제출합니다: 순서대로 정렬된 섹션 제목, 그다음 섹션별 설명.',
        input_schema: OutlineToolInputSchema as unknown as Anthropic.Tool.InputSchema,
        strict: true,
        // Without it the API holds back each value until it is whole, and the skeleton arrives late.
        eager_input_streaming: true
      }],
      tool_choice: { type: 'tool', name: OUTLINE_TOOL }
    }, { signal, maxRetries: 0 })

    const reader = new OutlineStreamReader(input.topic, listener)
    let usage: Anthropic.Usage | undefined
    let stopReason: string | null = null
    for await (const event of stream) {
      if (event.type === 'message_start') {
        usage = event.message.usage
      } else if (event.type === 'content_block_delta' && event.delta.type === 'input_json_delta') {
        try {
          reader.write(event.delta.partial_json)
        } catch (error) {
          stream.controller.abort()
          throw error
        }
      } else if (event.type === 'message_delta') {
        stopReason = event.delta.stop_reason
        if (usage) usage = { ...usage, output_tokens: event.usage.output_tokens }
      }
    }
    // A dropped connection can end the stream cleanly; only a stop reason proves the outline is whole.
    if (stopReason !== 'tool_use' || !usage) throw new InvalidModelOutputError(`the outline ended with stop reason ${stopReason}`)
    return { outline: reader.finish(), usage: usageOf(this.options.planModel, usage, startedAt) }
  }

  async writeReport (input: ReportInput, onText: (delta: string) => void, signal: AbortSignal) {
    const { reportMaxRetries, reportTimeoutMs, retryBaseMs = 1000 } = this.options
    // The SDK's own timeout ends when the headers arrive; a stream that stalls after them is ended here.
    const deadline = AbortSignal.timeout(reportTimeoutMs)
    const bounded = AbortSignal.any([signal, deadline])
    try {
      for (let attempt = 0; ; attempt++) {
        let emitted = false
        try {
          return await this.streamOnce(input, (delta) => { emitted = true; onText(delta) }, bounded)
        } catch (error) {
          // Once text has reached the caller a retry would write the report twice over.
          if (emitted || attempt >= reportMaxRetries || !isRetryable(error) || bounded.aborted) throw toPortError(error)
          await sleep(retryBaseMs * 2 ** attempt * (0.75 + Math.random() / 2), undefined, { signal: bounded })
        }
      }
    } catch (error) {
      // The deadline can end a stream or a back-off wait; either way the report took too long.
      if (deadline.aborted && !signal.aborted) {
        throw new LlmServiceError('timeout', `the report was not written within ${reportTimeoutMs} ms`, { cause: error })
      }
      throw error
    }
  }

  private async streamOnce (input: ReportInput, onText: (delta: string) => void, signal: AbortSignal) {
    const startedAt = performance.now()
    const stream = this.client.messages.stream({
      model: this.options.reportModel,
      max_tokens: this.options.reportMaxTokens,
      system: [{ type: 'text', text: input.system, cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: input.user }]
    }, { signal, maxRetries: 0, timeout: this.options.reportTimeoutMs })
    stream.on('text', onText)
    const message = await stream.finalMessage()
    // Only the model finishing on its own proves the text is whole: a dropped connection can end the
    // stream cleanly, and a length limit cuts the report off mid-sentence.
    switch (message.stop_reason) {
      case 'end_turn':
      case 'stop_sequence':
        break
      case null:
        throw new IncompleteReportError('the report stream ended without a stop reason')
      case 'max_tokens':
      case 'model_context_window_exceeded':
        throw new ReportTooLongError(`the report stopped at ${message.stop_reason} (max_tokens ${this.options.reportMaxTokens})`)
      default:
        throw new InvalidModelOutputError(`the report ended with stop reason ${message.stop_reason}`)
    }
    const markdown = message.content.flatMap((block) => block.type === 'text' ? [block.text] : []).join('')
    if (!markdown.trim()) throw new InvalidModelOutputError('the model returned an empty report')
    return { markdown, usage: usageOf(this.options.reportModel, message.usage, startedAt) }
  }
}
