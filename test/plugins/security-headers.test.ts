// test-database: postgres
import t from 'tap'
import { bearer, buildTestApp } from '../support/app.js'

t.test('JSON answers are never cached and never sniffed; HSTS only for TLS seen by a trusted proxy', async (t) => {
  const app = await buildTestApp(t, { env: { TRUST_PROXY: '127.0.0.1' } })
  for (const [url, headers] of [['/api/templates', bearer('headers')], ['/api/templates', {}], ['/api/no/such', bearer('headers')], ['/health', {}]] as const) {
    const res = await app.inject({ method: 'GET', url, headers })
    t.equal(res.headers['cache-control'], 'no-store', `${url} ${res.statusCode}`)
    t.equal(res.headers['x-content-type-options'], 'nosniff', `${url} ${res.statusCode}`)
    t.equal(res.headers['strict-transport-security'], undefined, 'plain HTTP: no HSTS')
  }
  const page = await app.inject({ method: 'GET', url: '/' })
  t.equal(page.headers['x-content-type-options'], 'nosniff')
  t.not(page.headers['cache-control'], 'no-store', 'the static page keeps its own caching')

  const overTls = await app.inject({ method: 'GET', url: '/api/templates', headers: { ...bearer('headers'), 'x-forwarded-proto': 'https' }, remoteAddress: '127.0.0.1' })
  t.equal(overTls.headers['strict-transport-security'], 'max-age=31536000; includeSubDomains', 'TLS at the trusted proxy: HSTS')
  const claimed = await app.inject({ method: 'GET', url: '/api/templates', headers: { ...bearer('headers'), 'x-forwarded-proto': 'https' }, remoteAddress: '203.0.113.9' })
  t.equal(claimed.headers['strict-transport-security'], undefined, 'an untrusted client cannot claim TLS')
})
