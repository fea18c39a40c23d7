import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { EventMessage, FastifyBaseLogger } from 'fastify'
import { FastifySSEPlugin } from 'fastify-sse-v2'
import { draftOf, saveUserPlan } from '../../src/planning/plan-draft.js'
import { IdParams, ok, Success } from '../../src/schemas/common.js'
import { bodyErrors, ErrorAnswer, withNotFound } from '../../src/schemas/error.js'
import { PlanDraftSchema, SavePlanRequestSchema, type PlanDraftEvent, type PlanStreamEvent } from '../../src/schemas/plan.js'
import { getOwnTopic } from '../../src/topics/repository.js'

const STREAM_EXAMPLE = [
  'data: {"event":"plan","refining":true,"topic_id":1,"version":1,"plan":"# 제목\\n\\n## 요약\\n\\n## 시장 분석\\n","sections":[…]}', '',
  'data: {"event":"section","topic_id":1,"index":0,"title":"요약","description":"핵심 결론과 시사점"}', '',
  'data: {"event":"plan","refining":false,"topic_id":1,"version":2,"plan":"# 제목\\n\\n## 요약\\n\\n핵심 결론과 시사점\\n…","sections":[…]}', '', ''
].join('\n')

/** fastify-sse-v2 never listens for the iterable's errors; one that escaped would take the process down. */
async function * framed (first: PlanDraftEvent, rest: AsyncIterable<PlanStreamEvent> | undefined, log: FastifyBaseLogger): AsyncGenerator<EventMessage> {
  try {
    yield { data: JSON.stringify(first) }
    if (rest) for await (const event of rest) yield { data: JSON.stringify(event) }
  } catch (error) {
    if ((error as Error).name !== 'AbortError') log.error({ err: error }, 'plan stream failed')
  }
}

/**
 * The plan draft a user reviews after `/plan`: their edits saved with a version, and the
 * descriptions the model goes on writing, live.
 */
const planDraftRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(FastifySSEPlugin, { retryDelay: false })

  app.put('/topics/:id/plan', {
    schema: {
      tags: ['topics'],
      summary: 'Save the user\'s edits to the plan draft',
      description: 'Sections the user renamed, wrote text for, moved, added or deleted are theirs: descriptions the model ' +
        'writes later only fill sections still as the model left them. 409 while the report is being generated.',
      params: IdParams,
      body: SavePlanRequestSchema,
      response: { 200: Success(PlanDraftSchema), ...withNotFound, ...bodyErrors, 409: ErrorAnswer }
    }
  }, async function savePlanDraft (request) {
    return ok(await saveUserPlan(app.db, request.userId, request.params.id, request.body.plan))
  })

  app.get('/topics/:id/plan/stream', {
    config: { acceptsQueryToken: true },
    schema: {
      tags: ['topics'],
      summary: 'The plan draft as Server-Sent Events, while Claude writes the descriptions',
      description: 'Sends the saved draft at once (`event: "plan"`), then each section description as Claude finishes it ' +
        '(`event: "section"`, not yet saved), then the saved draft with `refining: false`, and ends. With no model writing ' +
        'for the topic, the first event already has `refining: false`. Authenticate with the Authorization header or `?access_token=`.',
      params: IdParams,
      querystring: Type.Object({ access_token: Type.Optional(Type.String({ description: 'The bearer token, for EventSource clients' })) }),
      response: {
        200: { description: 'The event stream', content: { 'text/event-stream': { schema: Type.String({ examples: [STREAM_EXAMPLE] }) } } },
        ...withNotFound
      }
    }
  }, async function followPlanRefinement (request, reply) {
    const disconnected = new AbortController()
    reply.raw.once('close', () => disconnected.abort())
    // Listening before the read: a save that lands meanwhile arrives as the stream's last event.
    const live = app.planDrafts.follow(request.params.id, disconnected.signal)
    const topic = await getOwnTopic(app.db, request.userId, request.params.id)
    reply.header('X-Accel-Buffering', 'no')
    reply.sse(framed({ event: 'plan', refining: live !== undefined, ...draftOf(topic) }, live, request.log))
    return reply
  })
}

export default planDraftRoutes
