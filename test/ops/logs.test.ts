// test-database: postgres
import t from 'tap'
import { buildApp } from '../../app.js'
import { bearer, sharedTestDatabase, testConfig } from '../support/app.js'
import { anthropicEnv, startFakeAnthropic } from '../support/fake-anthropic.js'
import { waitForTerminal } from '../support/generation.js'
import { captureLog } from '../support/log-capture.js'

t.test('logs are JSON lines carrying the request id, the user after authentication, and the topic on generation lines', async (t) => {
  const fake = await startFakeAnthropic(t)
  const { stream, records: logs } = captureLog()
  const app = await buildApp({ config: testConfig(anthropicEnv(fake)), database: await sharedTestDatabase(), logger: { level: 'info', stream } })
  t.teardown(() => app.close())
  await app.ready()

  const plan = await app.inject({
    method: 'POST', url: '/api/topics/plan', headers: { ...bearer('log-user'), 'x-request-id': 'log-plan-1' }, payload: { topic: '로그 확인' }
  })
  const topicId = plan.json().data.topic_id as number
  const generate = await app.inject({
    method: 'POST',
    url: '/api/topics/generate',
    headers: { ...bearer('log-user'), 'x-request-id': 'log-generate-1' },
    payload: { topic: '로그 확인', plan: plan.json().data.plan, topic_id: topicId }
  })
  t.equal(generate.statusCode, 202)
  await waitForTerminal(app, topicId)
  const denied = await app.inject({ method: 'GET', url: '/api/topics', headers: { 'x-request-id': 'log-denied-1' } })

  const of = (requestId: string) => logs.filter((line) => line.requestId === requestId)
  t.notOk(logs.some((line) => 'reqId' in line), 'the request id is logged as requestId, as in error answers')

  const planLines = of('log-plan-1')
  t.match(planLines.find((line) => line.msg === 'incoming request'), { req: { method: 'POST', url: '/api/topics/plan' } })
  t.match(planLines.find((line) => line.msg === 'plan ready'), { userId: 'log-user', topicId, source: 'llm' })
  t.match(planLines.find((line) => line.msg === 'request completed'), { userId: 'log-user', res: { statusCode: 200 }, responseTime: Number },
    'the closing line of an authenticated request names the user')

  const generationLines = of('log-generate-1')
  for (const msg of ['generation started', 'generation completed']) {
    t.match(generationLines.find((line) => line.msg === msg), { userId: 'log-user', topicId }, `"${msg}" names the request, user and topic`)
  }
  t.match(generationLines.find((line) => line.msg === 'generation completed'), { durationMs: Number, artifactId: Number })

  t.equal(denied.json().meta.requestId, 'log-denied-1')
  const rejected = of('log-denied-1').find((line) => line.msg === 'request rejected')
  t.match(rejected, { code: 'UNAUTHORIZED' })
  t.notOk(rejected && 'userId' in rejected, 'no user on a request that never authenticated')
})
