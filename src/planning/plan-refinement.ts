import type { LlmUsage, OutlineSkeleton } from '../llm/provider.js'

export interface SectionDescription {
  /** The section's place in the model's outline, from 0. */
  index: number
  /** The title the model gave that section, to find it again in a plan the user may have edited. */
  title: string
  description: string
}

export interface RefinementOutcome {
  /** Every section got its description and the model said it was done. */
  complete: boolean
  /** Known once the model's message ended; absent when the stream broke off. */
  usage?: LlmUsage
  error?: Error
}

/**
 * The part of the model's outline written after `/plan` has answered: the sections'
 * descriptions, one by one. Keeps what has arrived, so a late subscriber misses nothing.
 */
export class PlanRefinement {
  readonly descriptions: SectionDescription[] = []
  readonly finished: Promise<RefinementOutcome>
  private readonly listeners = new Set<(description: SectionDescription) => void>()

  constructor (
    readonly skeleton: OutlineSkeleton,
    modelCall: Promise<{ usage: LlmUsage }>,
    private readonly controller: AbortController
  ) {
    this.finished = modelCall.then(
      ({ usage }) => ({ complete: this.descriptions.length === skeleton.sectionTitles.length, usage }),
      (error: Error) => ({ complete: false, error })
    )
  }

  add (index: number, description: string) {
    const item = { index, title: this.skeleton.sectionTitles[index]!, description }
    this.descriptions.push(item)
    for (const listener of this.listeners) listener(item)
  }

  /** Calls back for every description from now on; returns the unsubscribe function. */
  subscribe (listener: (description: SectionDescription) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Stops the model: the descriptions written so far are kept. */
  abort () {
    this.controller.abort()
  }
}
