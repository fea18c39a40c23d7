export type GenerationState = 'generating' | 'completed' | 'failed' | 'cancelled'

/** What /status returns and every stream event carries (the API's StatusResponse), with UTC ISO-8601 times. */
export interface StatusSnapshot {
  topic_id: number
  status: GenerationState
  progress_percent: number
  current_step: string | null
  started_at: string | null
  estimated_completion: string | null
  artifact_id: number | null
  completed_at: string | null
  error_message: string | null
}

/** The fields a running generation may change; `status` moves to a terminal state only through complete/fail. */
export type ProgressPatch = Partial<Pick<StatusSnapshot, 'progress_percent' | 'current_step' | 'estimated_completion'>>

/** One published change. `id` is a per-topic sequence number (1, 2, 3 …) used as the SSE event id. */
export interface StatusEvent {
  id: number
  snapshot: StatusSnapshot
}

export const isTerminal = (state: GenerationState) => state !== 'generating'
