import type { FastifyBaseLogger } from 'fastify'
import type { PlanSection } from '../schemas/plan.js'
import type { LlmProvider, Outline, OutlineSkeleton } from '../llm/provider.js'
import { renderPlanMarkdown, sectionsOf } from './plan-markdown.js'
import { PlanRefinement } from './plan-refinement.js'
import { outlineFromTemplate } from './template-outline.js'

export interface PlanningInput {
  topic: string
  /** The template's prompt_system. */
  guide: string
}

export interface PlanningOptions {
  llm: LlmProvider
  /** How long the model may take to write the skeleton (the section titles; the title is the user's topic). */
  timeoutMs: number
  /** How long the rest of the outline (the descriptions) may keep streaming after the answer. */
  refineTimeoutMs: number
  log: FastifyBaseLogger
}

export interface PlanResult {
  title: string
  plan: string
  sections: PlanSection[]
  source: 'llm' | 'template'
  /** Present when the outline came from the model: the descriptions it is still writing. */
  refinement?: PlanRefinement
}

class PlanningDeadlineError extends Error {
  override name = 'PlanningDeadlineError'
}

export function planResult (outline: Outline, source: PlanResult['source'], refinement?: PlanRefinement): PlanResult {
  return { title: outline.title, plan: renderPlanMarkdown(outline), sections: sectionsOf(outline), source, refinement }
}

/** The skeleton with whatever descriptions have already arrived; the others are still being written. */
export function outlineSoFar (skeleton: OutlineSkeleton, refinement: PlanRefinement | undefined): Outline {
  const sections = skeleton.sectionTitles.map((title) => ({ title, description: '', key_points: [] as string[] }))
  for (const { index, description } of refinement?.descriptions ?? []) sections[index]!.description = description
  return { title: skeleton.title, sections }
}

/**
 * Streams the model's outline and settles as soon as its skeleton is complete — or fails at the
 * deadline, whose timer answers even if the SDK does not stop, so a hung socket can never hold
 * the user past the budget. The model keeps writing the descriptions into the refinement.
 */
function skeletonWithinDeadline (options: PlanningOptions, input: PlanningInput): Promise<PlanRefinement> {
  const { llm, timeoutMs, refineTimeoutMs } = options
  const controller = new AbortController()
  let refinement: PlanRefinement | undefined
  const early: Array<[number, string]> = []
  return new Promise<PlanRefinement>((resolve, reject) => {
    const deadline = setTimeout(() => {
      controller.abort()
      reject(new PlanningDeadlineError(`no outline skeleton within ${timeoutMs} ms`))
    }, timeoutMs)
    const modelCall = llm.planOutline!(input, {
      onSkeleton: (skeleton) => {
        clearTimeout(deadline)
        refinement = new PlanRefinement(skeleton, modelCall, controller)
        for (const [index, description] of early) refinement.add(index, description)
        const stop = setTimeout(() => controller.abort(), refineTimeoutMs)
        refinement.finished.finally(() => clearTimeout(stop))
        resolve(refinement)
      },
      onDescription: (index, description) => {
        if (refinement) refinement.add(index, description)
        else early.push([index, description])
      }
    }, controller.signal)
    modelCall.catch((error: Error) => {
      clearTimeout(deadline)
      reject(error)
    })
  })
}

/**
 * Sequential planning as one streamed, structured model call: topic + template guide
 * in, an ordered outline out, answered as soon as the section titles are written. Any failure
 * before that — deadline, API error, invalid output, no model at all — answers with the outline
 * the template itself prescribes, so the caller always gets a plan in time.
 */
export async function sequentialPlanning (input: PlanningInput, options: PlanningOptions): Promise<PlanResult> {
  if (!options.llm.planOutline || options.timeoutMs <= 0) return planResult(outlineFromTemplate(input.topic, input.guide), 'template')
  try {
    const refinement = await skeletonWithinDeadline(options, input)
    return planResult(outlineSoFar(refinement.skeleton, refinement), 'llm', refinement)
  } catch (error) {
    options.log.warn({ err: error, reason: (error as Error).name }, 'planning fell back to the template outline')
    return planResult(outlineFromTemplate(input.topic, input.guide), 'template')
  }
}
