import { Type, type Static } from '@sinclair/typebox'
import type { PlanSection } from '../db/schema.js'

export const OutlineSchema = Type.Object({
  title: Type.String({ minLength: 1, maxLength: 200, description: '보고서 제목' }),
  sections: Type.Array(Type.Object({
    title: Type.String({ minLength: 1, maxLength: 100, description: '섹션 제목 (번호 없이)' }),
    description: Type.String({ minLength: 1, maxLength: 500, description: '이 섹션에서 다룰 내용 한두 문장' }),
    key_points: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { minItems: 1, maxItems: 5, description: '핵심 포인트' })
  }, { additionalProperties: false }), { minItems: 3, maxItems: 10 })
}, { additionalProperties: false })

/** The ordered outline a planner produces, before it is rendered as the plan Markdown. */
export type Outline = Static<typeof OutlineSchema>

export interface LlmUsage {
  model: string
  inputTokens: number
  outputTokens: number
  latencyMs: number
}

export interface PlanInput {
  topic: string
  /** The template's prompt_system: the guide the outline must follow. */
  guide: string
}

export interface ReportInput {
  system: string
  user: string
  /** The approved plan in structured form, for providers that write without a model. */
  title: string
  sections: PlanSection[]
}

/** The outline's skeleton: what a user reviews first, and all `/plan` waits for. The title is the topic. */
export interface OutlineSkeleton {
  title: string
  sectionTitles: string[]
}

export interface OutlineListener {
  /** Once, as soon as the whole ordered list of section titles is written and valid. */
  onSkeleton: (skeleton: OutlineSkeleton) => void
  /** Each section's description, as soon as the model has finished writing it. */
  onDescription: (index: number, description: string) => void
}

export interface LlmProvider {
  readonly kind: 'anthropic' | 'offline'
  /**
   * Absent when the provider cannot plan; the template-derived outline answers instead.
   * Streams the outline through the listener as it is written, and resolves with the whole of it.
   */
  planOutline?: (input: PlanInput, listener: OutlineListener, signal: AbortSignal) => Promise<{ outline: Outline, usage: LlmUsage }>
  /** Streams the report's Markdown through onText as it is written, and resolves with the whole text. */
  writeReport: (input: ReportInput, onText: (delta: string) => void, signal: AbortSignal) => Promise<{ markdown: string, usage: LlmUsage }>
}

/** A model answer that is not what was asked for; retrying the same call will not help. */
export class InvalidModelOutputError extends Error {
  override name = 'InvalidModelOutputError'
}

/** The report stream ended before the model said it was done: what arrived is a fragment. */
export class IncompleteReportError extends Error {
  override name = 'IncompleteReportError'
}

/** The model stopped at the report's output budget (`max_tokens`): the text breaks off mid-report. */
export class ReportTooLongError extends Error {
  override name = 'ReportTooLongError'
}

/**
 * How the model service refused or failed a call, in the port's own terms, so that callers tell
 * the user what happened without knowing which vendor's SDK sits behind the port.
 */
export type LlmFailure = 'overloaded' | 'unauthorized' | 'failed' | 'timeout' | 'unreachable'

export class LlmServiceError extends Error {
  override name = 'LlmServiceError'

  constructor (readonly failure: LlmFailure, message: string, options?: ErrorOptions) {
    super(message, options)
  }
}
