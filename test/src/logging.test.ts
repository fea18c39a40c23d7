// test-database: postgres
import t from 'tap'
import { buildApp } from '../../app.js'
import { redactUrl } from '../../src/logging.js'
import { bearer, sharedTestDatabase, testConfig } from '../support/app.js'
import { captureLog } from '../support/log-capture.js'

t.test('redactUrl hides token query parameters and keeps the rest', async (t) => {
  t.equal(redactUrl('/api/topics/1/status/stream?access_token=abc.def&x=1'), '/api/topics/1/status/stream?access_token=[redacted]&x=1')
  t.equal(redactUrl('/?token=eyJ'), '/?token=[redacted]')
  t.equal(redactUrl('/?x=1&Access_Token=s#frag'), '/?x=1&Access_Token=[redacted]#frag')
  t.equal(redactUrl('/api/topics?page=2'), '/api/topics?page=2')
})

t.test('request logs never carry a token from the URL', async (t) => {
  const { stream, records } = captureLog()
  const app = await buildApp({ config: testConfig(), database: await sharedTestDatabase(), logger: { level: 'info', stream } })
  t.teardown(() => app.close())
  const token = bearer('log-user').authorization.slice('Bearer '.length)
  await app.inject({ method: 'GET', url: `/api/topics/424242/status/stream?access_token=${token}` })
  await app.inject({ method: 'GET', url: `/?token=${token}` })
  const log = JSON.stringify(records)
  t.match(log, 'access_token=[redacted]')
  t.match(log, '?token=[redacted]')
  t.notMatch(log, token)
})

t.test('redactUrl judges names as the query parser decodes them', async (t) => {
  t.equal(redactUrl('/s?access%5Ftoken=abc&x=1'), '/s?access%5Ftoken=[redacted]&x=1')
  t.equal(redactUrl('/s?%61ccess_token=abc'), '/s?%61ccess_token=[redacted]')
  t.equal(redactUrl('/s?x=1&access_token=a&access_token=b'), '/s?x=1&access_token=[redacted]&access_token=[redacted]')
  t.equal(redactUrl('/s?%E0%A4%A=abc'), '/s?%E0%A4%A=[redacted]', 'a name that cannot be decoded is redacted too')
})
