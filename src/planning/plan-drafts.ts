import { EventEmitter, on } from 'node:events'
import type { FastifyBaseLogger } from 'fastify'
import { recordAiUsage } from '../ai-usage.js'
import type { Database } from '../db/client.js'
import type { PlanDraft, PlanDraftEvent, PlanSectionEvent, PlanStreamEvent } from '../schemas/plan.js'
import { mergeModelDescriptions } from './plan-draft.js'
import type { PlanRefinement } from './plan-refinement.js'

interface Running {
  refinement: PlanRefinement
  events: EventEmitter
}

/**
 * The plans whose descriptions the model is still writing in this process: passes each one on
 * to the topic's plan streams as it arrives, and saves them all into the draft when the model
 * is done (one write, merged around the user's edits).
 */
export class PlanDrafts {
  private readonly running = new Map<number, Running>()
  /** Every refinement's save still to come, replaced ones' too, for close to wait on. */
  private readonly saving = new Set<Promise<void>>()
  /**
   * The saves run one after another: they can wait, while `/plan`'s own insert cannot, and on a
   * busy database (PGlite above all, with its one connection) a crowd of them would hold it up.
   */
  private saveQueue: Promise<unknown> = Promise.resolve()

  constructor (private readonly db: Database) {}

  isRefining (topicId: number) {
    return this.running.has(topicId)
  }

  /**
   * Planning the topic again replaces its draft, so the model still describing the old plan is
   * stopped, and what it wrote is left out: its sections are not the new plan's.
   */
  track (topicId: number, refinement: PlanRefinement, log: FastifyBaseLogger) {
    this.running.get(topicId)?.refinement.abort()
    const events = new EventEmitter()
    events.setMaxListeners(0)
    const unsubscribe = refinement.subscribe((item) => events.emit('event', { event: 'section', topic_id: topicId, ...item } satisfies PlanSectionEvent))
    const saved = refinement.finished.then(async (outcome) => {
      unsubscribe()
      const isCurrent = () => this.running.get(topicId)?.refinement === refinement
      let current = false
      let draft: PlanDraft | undefined
      const save = this.saveQueue.then(async () => {
        // Decided here, not when the model finished: while this save waited its turn, the topic
        // may have been planned again, and then these descriptions are not the new plan's.
        current = isCurrent()
        if (current) {
          draft = await mergeModelDescriptions(this.db, topicId, refinement.descriptions)
          // Deleted while the model wrote: nothing to merge into, and no topic to count the usage against.
          if (!draft) return
        }
        if (outcome.usage) await recordAiUsage(this.db, topicId, 'plan', outcome.usage)
      })
      this.saveQueue = save.catch(() => {})
      try {
        await save
      } catch (error) {
        log.error({ err: error, topicId }, 'saving the model\'s plan descriptions failed')
      }
      if (!current) {
        events.emit('end')
        return
      }
      if (!outcome.complete) log.warn({ err: outcome.error, topicId, received: refinement.descriptions.length }, 'the model stopped before every section had its description')
      if (isCurrent()) this.running.delete(topicId)
      if (draft) events.emit('event', { event: 'plan', refining: false, ...draft } satisfies PlanDraftEvent)
      events.emit('end')
    })
    this.saving.add(saved)
    saved.finally(() => this.saving.delete(saved))
    this.running.set(topicId, { refinement, events })
  }

  /**
   * Every description the model has written for the topic so far, then each one as it comes,
   * then the saved draft; undefined when no model is writing for that topic here. Listening
   * starts before this returns, so nothing falls between the replay and the live events.
   */
  follow (topicId: number, signal: AbortSignal): AsyncIterable<PlanStreamEvent> | undefined {
    const running = this.running.get(topicId)
    if (!running) return undefined
    const live = on(running.events, 'event', { signal, close: ['end'] })
    const replay = running.refinement.descriptions.map((item): PlanSectionEvent => ({ event: 'section', topic_id: topicId, ...item }))
    return (async function * () {
      const seen = new Set<number>()
      for (const item of replay) {
        seen.add(item.index)
        yield item
      }
      for await (const [item] of live as AsyncIterable<[PlanStreamEvent]>) {
        if (item.event === 'section' && seen.has(item.index)) continue
        yield item
      }
    })()
  }

  /** Stops every model still writing, and waits until what each wrote is saved. */
  async close () {
    for (const { refinement } of this.running.values()) refinement.abort()
    await Promise.all(this.saving)
  }
}
