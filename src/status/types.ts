import type { GenerationState, StatusSnapshot } from '../schemas/status.js'

export type { GenerationState, StatusSnapshot } from '../schemas/status.js'

/** The fields a running generation may change; `status` moves to a terminal state only through complete/fail. */
export type ProgressPatch = Partial<Pick<StatusSnapshot, 'progress_percent' | 'current_step' | 'estimated_completion'>>

/** One published change. `id` is a per-topic sequence number (1, 2, 3 …) used as the SSE event id. */
export interface StatusEvent {
  id: number
  snapshot: StatusSnapshot
}

export const isTerminal = (state: GenerationState): state is Exclude<GenerationState, 'generating'> => state !== 'generating'
