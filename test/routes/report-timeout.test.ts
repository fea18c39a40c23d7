// test-database: postgres
import t from 'tap'
import { buildTestApp } from '../support/app.js'
import { anthropicEnv, startFakeAnthropic } from '../support/fake-anthropic.js'
import { planTopic, startGeneration, waitForTerminal } from '../support/generation.js'

t.test('REPORT_LLM_TIMEOUT_MS bounds the whole report stream: one that stalls after its headers fails, saying Claude was too slow', async (t) => {
  const fake = await startFakeAnthropic(t)
  // Headers and the first event at once, then a piece every 3 s: the SDK's own timeout stops at the headers.
  fake.reportBehaviors.push({ kind: 'report', chunkDelayMs: 3000 })
  const app = await buildTestApp(t, { env: { ...anthropicEnv(fake), REPORT_LLM_TIMEOUT_MS: '2000' } })
  const { topic_id: topicId } = await planTopic(app, 'gen-timeout')
  t.equal((await startGeneration(app, 'gen-timeout', { topic_id: topicId })).statusCode, 202)
  const final = await waitForTerminal(app, topicId, 20_000)
  t.equal(final.status, 'failed', 'failed, not handed back to the queue as if the server had restarted')
  t.match(final.error_message, /늦어/)
  t.notMatch(final.error_message, /서버가|timeout|Error|ms/, 'says what happened, not that a server restarted, and no internals')
  t.equal(fake.reportRequests().length, 1, 'written once: no retry of a stalled stream')
})

t.test('the deadline reached while waiting to retry also says Claude was too slow', async (t) => {
  const fake = await startFakeAnthropic(t)
  fake.reportBehaviors.push({ kind: 'status', status: 529 })
  // The first back-off (at least 7.5 s) outlasts the whole 1 s budget.
  const app = await buildTestApp(t, { env: { ...anthropicEnv(fake), REPORT_LLM_TIMEOUT_MS: '1000', REPORT_LLM_RETRY_BASE_MS: '10000' } })
  const { topic_id: topicId } = await planTopic(app, 'gen-timeout-backoff')
  t.equal((await startGeneration(app, 'gen-timeout-backoff', { topic_id: topicId })).statusCode, 202)
  const final = await waitForTerminal(app, topicId, 20_000)
  t.equal(final.status, 'failed')
  t.match(final.error_message, /늦어/)
  t.equal(fake.reportRequests().length, 1, 'no second attempt after the deadline')
})
