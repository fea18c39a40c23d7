// test-database: postgres
import t from 'tap'
import net from 'node:net'
import { bearer, buildTestApp, listenOnLoopback } from '../support/app.js'
import { anthropicEnv, realisticReportFor, startFakeAnthropic } from '../support/fake-anthropic.js'
import { planTopic, startGeneration, waitForTerminal, waitUntil } from '../support/generation.js'
import { openSse, payload, type SseMessage } from '../support/sse.js'

/** Lays the pieces over each other by offset, as a live page does; a piece at 0 starts over. */
function assemble (pieces: Array<{ offset: number, text: string }>): string {
  let text = ''
  for (const piece of pieces) text = text.slice(0, piece.offset) + piece.text
  return text
}

t.test('?include=text: the Markdown as it is written, then the saved report; progress rises between headings', async (t) => {
  const fake = await startFakeAnthropic(t)
  fake.defaultReport = { kind: 'report', chunkDelayMs: 150 }
  const app = await buildTestApp(t, { env: { ...anthropicEnv(fake), GENERATION_PROGRESS_INTERVAL_MS: '100' } })
  const { url } = await listenOnLoopback(app)
  const { topic_id: topicId } = await planTopic(app, 'text-user')
  await startGeneration(app, 'text-user', { topic_id: topicId })
  const plain = await openSse(`${url}/api/topics/${topicId}/status/stream`, bearer('text-user'))
  // Join once some text exists: the first piece must carry all of it, from offset 0.
  while ((app.statusStore.get(topicId)?.progress_percent ?? 0) < 10) await new Promise((resolve) => setTimeout(resolve, 20))
  await new Promise((resolve) => setTimeout(resolve, 300))
  const withText = await openSse(`${url}/api/topics/${topicId}/status/stream?include=text`, bearer('text-user'))

  const all = (await withText.rest(30_000)).filter((frame): frame is SseMessage => frame.type === 'message').map((message) => ({ message, body: payload(message) }))
  const texts = all.filter(({ body }) => body.event === 'report_text')
  t.ok(texts.length >= 2, `text arrived in pieces (${texts.length})`)
  t.match(texts[0]!.body, { topic_id: topicId, offset: 0 }, 'the first piece starts at 0')
  t.ok((texts[0]!.body.text as string).length > 0, 'and carries what was written before the client came')
  t.ok(texts.every(({ message }) => message.id === undefined), 'text messages have no id (Last-Event-ID stays a status id)')
  const final = all.at(-1)!.body
  t.match(final, { event: 'completion', status: 'completed' })

  const artifacts = (await app.inject({ method: 'GET', url: `/api/topics/${topicId}/artifacts`, headers: bearer('text-user') })).json().data
  const md = artifacts.find((artifact: { kind: string }) => artifact.kind === 'md')
  const saved = (await app.inject({ method: 'GET', url: md.download_url, headers: bearer('text-user') })).body
  t.equal(assemble(texts.map(({ body }) => body as { offset: number, text: string })), saved, 'the pieces add up to the saved Markdown')

  const seedClient = (await plain.rest(30_000)).filter((frame): frame is SseMessage => frame.type === 'message').map((message) => payload(message))
  t.ok(seedClient.every((body) => body.event === 'status_update' || body.event === 'completion'), 'a client without include sees the seed events only')
  const updates = seedClient.filter((body) => body.event === 'status_update')
  const percents = updates.map((body) => body.progress_percent as number)
  t.same(percents, [...percents].sort((a, b) => a - b), 'progress only rises')
  const writing = new Set(percents.filter((percent) => percent > 10 && percent < 80))
  t.ok(writing.size > 4, `more steps than the 4 headings (${[...writing].join(', ')})`)
  t.ok(updates.some((body) => body.estimated_completion !== null), 'with an estimated completion')
})

t.test('?include=text: a client that stops reading and leaves takes its text listener with it', async (t) => {
  const fake = await startFakeAnthropic(t)
  // About 1 MB of Korean: far more than the socket buffers of a client that reads nothing.
  fake.defaultReport = { kind: 'report', markdown: (plan) => realisticReportFor(plan, 80_000), chunkChars: 4000, chunkDelayMs: 10 }
  const app = await buildTestApp(t, { env: anthropicEnv(fake) })
  const { port } = await listenOnLoopback(app)
  const texts = app.generator.lifecycle.texts
  const { topic_id: topicId } = await planTopic(app, 'text-leaver')
  await startGeneration(app, 'text-leaver', { topic_id: topicId })
  // Join late, so the first piece (everything written so far) backs up behind the unread socket.
  await waitUntil(() => (texts.current(topicId)?.text.length ?? 0) > 100_000)

  const socket = net.connect(port, '127.0.0.1')
  await new Promise((resolve) => socket.once('connect', resolve))
  socket.pause()
  const headers = Object.entries(bearer('text-leaver')).map(([name, value]) => `${name}: ${value}\r\n`).join('')
  socket.write(`GET /api/topics/${topicId}/status/stream?include=text HTTP/1.1\r\nhost: 127.0.0.1\r\n${headers}\r\n`)
  await waitUntil(() => texts.listenerCount(topicId) === 1)
  await new Promise((resolve) => setTimeout(resolve, 300))
  t.ok(socket.bytesRead < 300_000, `the client has read little of what was sent (${socket.bytesRead} bytes)`)
  socket.destroy()

  await waitUntil(() => texts.listenerCount(topicId) === 0, 5000)
  t.equal(texts.listenerCount(topicId), 0, 'no listener left behind')
  await waitForTerminal(app, topicId, 60_000)
  t.equal(texts.current(topicId), undefined, 'nothing of the finished run is held for the departed client')
})
