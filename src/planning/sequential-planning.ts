import type { FastifyBaseLogger } from 'fastify'
import type { PlanSection } from '../db/schema.js'
import type { LlmProvider, LlmUsage, Outline } from '../llm/provider.js'
import { renderPlanMarkdown, sectionsOf } from './plan-markdown.js'
import { outlineFromTemplate } from './template-outline.js'

export interface PlanningInput {
  topic: string
  /** The template's prompt_system. */
  guide: string
}

export interface PlanningOptions {
  llm: LlmProvider
  /** The model call's deadline; the whole request has to answer within 2 s. */
  timeoutMs: number
  log: FastifyBaseLogger
}

export interface PlanResult {
  title: string
  plan: string
  sections: PlanSection[]
  source: 'llm' | 'template'
  /** Present when the outline came from the model. */
  usage?: LlmUsage
}

class PlanningDeadlineError extends Error {
  override name = 'PlanningDeadlineError'
}

/**
 * Races the model against the deadline: the abort signal asks the SDK to stop, and the timer
 * answers even if it does not, so a hung socket can never hold the user past the budget.
 */
async function outlineWithinDeadline (options: PlanningOptions, input: PlanningInput) {
  const { llm, timeoutMs } = options
  const controller = new AbortController()
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      controller.abort()
      reject(new PlanningDeadlineError(`no outline within ${timeoutMs} ms`))
    }, timeoutMs)
  })
  try {
    return await Promise.race([llm.planOutline!(input, controller.signal), deadline])
  } finally {
    clearTimeout(timer)
  }
}

function result (outline: Outline, source: PlanResult['source'], usage?: LlmUsage): PlanResult {
  return { title: outline.title, plan: renderPlanMarkdown(outline), sections: sectionsOf(outline), source, usage }
}

/**
 * Sequential planning (seed §7.1) as one structured model call: topic + template guide in, an
 * ordered outline out. Any failure — deadline, API error, invalid output, no model at all — answers
 * with the outline the template itself prescribes, so the caller always gets a plan in time.
 */
export async function sequentialPlanning (input: PlanningInput, options: PlanningOptions): Promise<PlanResult> {
  if (!options.llm.planOutline) return result(outlineFromTemplate(input.topic, input.guide), 'template')
  try {
    const { outline, usage } = await outlineWithinDeadline(options, input)
    return result(outline, 'llm', usage)
  } catch (error) {
    options.log.warn({ err: error, reason: (error as Error).name }, 'planning fell back to the template outline')
    return result(outlineFromTemplate(input.topic, input.guide), 'template')
  }
}
