// test-database: postgres
import { Ajv } from 'ajv'
import addFormats from 'ajv-formats'
import t from 'tap'
import { StatusSchema, StatusStreamEventSchema } from '../../../src/schemas/status.js'
import { bearer, buildTestApp, listenOnLoopback } from '../../support/app.js'
import { anthropicEnv, startFakeAnthropic } from '../../support/fake-anthropic.js'
import { planTopic, startGeneration } from '../../support/generation.js'
import { openSse, payload, type SseMessage } from '../../support/sse.js'

// A validator with the formats the schemas use (date-time), as the API's own has.
const ajv = new Ajv({ strict: false })
addFormats.default(ajv)
const isStreamEvent = ajv.compile(StatusStreamEventSchema)
const isStatus = ajv.compile(StatusSchema)

t.test('every message of a status stream, text included, is a documented StatusStreamEvent; /status is a GenerationStatus', async (t) => {
  const fake = await startFakeAnthropic(t)
  fake.defaultReport = { kind: 'report', chunkDelayMs: 50 }
  const app = await buildTestApp(t, { env: anthropicEnv(fake) })
  const { url } = await listenOnLoopback(app)
  const { topic_id: topicId } = await planTopic(app, 'shape-user')
  await startGeneration(app, 'shape-user', { topic_id: topicId })
  const stream = await openSse(`${url}/api/topics/${topicId}/status/stream?include=text`, bearer('shape-user'))
  const bodies = (await stream.rest(30_000)).filter((frame): frame is SseMessage => frame.type === 'message').map(payload)

  t.same(new Set(bodies.map((body) => body.event)), new Set(['status_update', 'report_text', 'completion']), 'all three kinds were sent')
  for (const body of bodies) {
    if (!isStreamEvent(body)) t.fail(`not a StatusStreamEvent: ${JSON.stringify(body)} (${ajv.errorsText(isStreamEvent.errors)})`)
  }
  t.match(bodies.at(-1), { event: 'completion', status: 'completed' })
  const status = await app.inject({ method: 'GET', url: `/api/topics/${topicId}/status`, headers: bearer('shape-user') })
  t.ok(isStatus(status.json().data), `the snapshot the stream is made from (${ajv.errorsText(isStatus.errors)})`)
})
