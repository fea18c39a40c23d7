import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { EventMessage, FastifyBaseLogger } from 'fastify'
import { FastifySSEPlugin } from 'fastify-sse-v2'
import type { TextPiece } from '../../src/status/report-text.js'
import type { StreamItem } from '../../src/status/stream-pacing.js'
import { isTerminal, type StatusEvent, type StatusSnapshot } from '../../src/status/types.js'
import { IdParams } from '../../src/schemas/common.js'
import { ErrorEnvelope, withNotFound } from '../../src/schemas/error.js'
import type { CompletionEvent, ReportTextEvent, StatusUpdateEvent } from '../../src/schemas/status.js'

const StreamQuery = Type.Object({
  access_token: Type.Optional(Type.String({ description: 'The bearer token, for EventSource clients, which cannot send headers' })),
  last_event_id: Type.Optional(Type.Integer({ minimum: 0, description: 'Resume after this event; the Last-Event-ID header wins' })),
  include: Type.Optional(Type.Literal('text', {
    description: 'Also send the report\'s Markdown as it is written: unnamed messages without an id, ' +
      '`{"event":"report_text","topic_id":N,"offset":<UTF-16 offset in the Markdown>,"text":"…"}`. The first one carries ' +
      'everything written so far; one at offset 0 starts the text over (the report is being written again).'
  }))
})

const EVENT_STREAM_EXAMPLE = [
  'id: 3', 'data: {"event":"status_update","topic_id":1,"status":"generating","progress_percent":50,"current_step":"\'시장 분석\' 작성 중 (2/5)","estimated_completion":null}', '',
  ': ping', '',
  'id: 4', 'data: {"event":"completion","topic_id":1,"status":"completed","progress_percent":100,"artifact_id":123,"error_message":null}', '', ''
].join('\n')

/** Unnamed events whose JSON says what happened, so `onmessage` sees them all. */
function toMessage (snapshot: StatusSnapshot, id: number | undefined): EventMessage {
  const body: CompletionEvent | StatusUpdateEvent = isTerminal(snapshot.status)
    ? {
        event: 'completion',
        topic_id: snapshot.topic_id,
        status: snapshot.status,
        progress_percent: snapshot.progress_percent,
        artifact_id: snapshot.artifact_id,
        error_message: snapshot.error_message
      }
    : {
        event: 'status_update',
        topic_id: snapshot.topic_id,
        status: snapshot.status,
        progress_percent: snapshot.progress_percent,
        current_step: snapshot.current_step,
        estimated_completion: snapshot.estimated_completion
      }
  return { id: id === undefined ? undefined : String(id), data: JSON.stringify(body) }
}

/** Every subscriber of a topic gets the same event object: its JSON is made once, not once per stream. */
const wireMessages = new WeakMap<StatusEvent, EventMessage>()
const HEARTBEAT: EventMessage = { comment: ' ping' }

function toWire (item: StreamItem<StatusEvent | TextPiece>, topicId: number): EventMessage {
  if (item.kind === 'heartbeat') return HEARTBEAT
  const event = item.event
  if (!('snapshot' in event)) {
    return { data: JSON.stringify({ event: 'report_text', topic_id: topicId, offset: event.offset, text: event.text } satisfies ReportTextEvent) }
  }
  let message = wireMessages.get(event)
  if (!message) wireMessages.set(event, message = toMessage(event.snapshot, event.id))
  return message
}

/**
 * fastify-sse-v2 pipes the iterable into the response and never listens for its errors: one that
 * escaped would be an unhandled 'error' event and take the process down, so none may.
 */
async function * framed (
  first: EventMessage | undefined,
  rest: AsyncIterable<StreamItem<StatusEvent | TextPiece>> | undefined,
  topicId: number,
  retryMs: number,
  log: FastifyBaseLogger
): AsyncGenerator<EventMessage, void, undefined> {
  let retry: number | undefined = retryMs
  const withRetry = (message: EventMessage) => {
    if (retry === undefined) return message
    const result = { ...message, retry }
    retry = undefined
    return result
  }
  try {
    if (first) yield withRetry(first)
    if (rest) for await (const item of rest) yield withRetry(toWire(item, topicId))
  } catch (error) {
    log.error({ err: error }, 'status stream failed')
  }
}

/** EventSource echoes the last id it saw; anything that is not one of ours is ignored. */
function parseLastEventId (header: string | string[] | undefined): number | undefined {
  return typeof header === 'string' && /^\d{1,15}$/.test(header.trim()) ? Number(header.trim()) : undefined
}

const statusStreamRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // The retry hint rides on our first message instead of a message of its own.
  await app.register(FastifySSEPlugin, { retryDelay: false })
  const { heartbeatMs, idleTimeoutMs, maxDurationMs, retryMs } = app.config.sse
  // server.close() waits for every open connection, and a stream is never idle, so the streams
  // must end in preClose. Hooks of this encapsulated plugin run after the root instance's, among
  // them the generation plugin's shutdown grace: runs finishing then still reach their streams.
  app.addHook('preClose', async () => { app.statusStore.close() })

  app.get('/topics/:id/status/stream', {
    config: { acceptsQueryToken: true },
    preHandler: app.limits.admitStream,
    schema: {
      tags: ['topics'],
      summary: 'Live generation status as Server-Sent Events',
      description: 'Sends the current status at once, then every change, and ends after the completion event ' +
        '(or after a quiet spell: reconnect, with Last-Event-ID, to resume). Unnamed events with JSON data; ' +
        '`: ping` comments keep the connection alive. Authenticate with the Authorization header or `?access_token=`.',
      params: IdParams,
      querystring: StreamQuery,
      headers: Type.Object({
        'last-event-id': Type.Optional(Type.String({ description: 'Sent by EventSource on reconnect' }))
      }),
      response: {
        200: {
          description: 'The event stream',
          content: { 'text/event-stream': { schema: Type.String({ examples: [EVENT_STREAM_EXAMPLE] }) } }
        },
        204: Type.Null({ description: 'The client has already received the completion event: EventSource stops reconnecting' }),
        ...withNotFound,
        429: Type.Ref(ErrorEnvelope)
      }
    }
  }, async function followGenerationStatus (request, reply) {
    // Listening from the start: a client that leaves while the database answers must not leave
    // a subscriber behind. fastify-sse-v2 would never end the iterator on its own.
    const disconnected = new AbortController()
    reply.raw.once('close', () => disconnected.abort())

    const lastEventId = parseLastEventId(request.headers['last-event-id']) ?? request.query.last_event_id
    const following = await app.statusReader.followStatus(request.userId, request.params.id, {
      lastEventId, includeText: request.query.include === 'text', signal: disconnected.signal, pacing: { heartbeatMs, idleTimeoutMs, maxDurationMs }
    })
    if (following.delivered) return reply.code(204).send(null)
    const { first, rest } = following
    const topicId = request.params.id

    reply.header('X-Accel-Buffering', 'no')
    reply.sse(framed(first && toMessage(first.snapshot, first.id), rest, topicId, retryMs, request.log))
    return reply
  })
}

export default statusStreamRoutes
