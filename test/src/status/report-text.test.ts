import t from 'tap'
import { ReportTexts, withReportText } from '../../../src/status/report-text.js'
import { StatusStore } from '../../../src/status/store.js'

// The HTTP pipe may stop pulling a stream whose client left with output backed up: then nothing
// calls next() again, and only the disconnect itself can let go of the text listener.
t.test('a text stream nobody pulls any more lets go of its listener and backlog when its client disconnects', async (t) => {
  const store = new StatusStore({ ttlMs: 60_000 })
  const texts = new ReportTexts()
  const disconnected = new AbortController()
  texts.append(7, { offset: 0, text: '## 시장 분석\n\n' })
  const stream = withReportText(store.subscribe(7, { signal: disconnected.signal }), texts, 7, disconnected.signal)
  t.match(await stream.next(), { done: false, value: { offset: 0 } }, 'the text so far')
  for (let offset = 9; offset < 9 + 50 * 4; offset += 4) texts.append(7, { offset, text: '본문입니다' })
  t.equal(texts.listenerCount(7), 1)

  disconnected.abort()
  t.equal(texts.listenerCount(7), 0, 'released at once, without another next()')
  t.same(await stream.next(), { done: true, value: undefined }, 'and the stream is over, the backlog dropped')
})

t.test('a stream whose client is already gone never holds a listener', async (t) => {
  const texts = new ReportTexts()
  const stream = withReportText(new StatusStore({ ttlMs: 60_000 }).subscribe(3, { signal: AbortSignal.abort() }), texts, 3, AbortSignal.abort())
  t.equal(texts.listenerCount(3), 0)
  t.same(await stream.next(), { done: true, value: undefined })
})
