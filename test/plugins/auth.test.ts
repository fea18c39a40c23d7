// test-database: postgres
import t from 'tap'
import { createSigner } from 'fast-jwt'
import { bearer, buildTestApp, TEST_JWT_SECRET } from '../support/app.js'

t.test('every /api route rejects bad credentials with 401 UNAUTHORIZED', async (t) => {
  const app = await buildTestApp(t)
  const expired = createSigner({ key: TEST_JWT_SECRET, algorithm: 'HS256' })({ sub: 'alice', exp: Math.floor(Date.now() / 1000) - 60 })
  const noSub = createSigner({ key: TEST_JWT_SECRET, algorithm: 'HS256' })({ name: 'alice' })
  const noneAlg = createSigner({ algorithm: 'none' })({ sub: 'alice' })
  const cases: Record<string, Record<string, string>> = {
    missing: {},
    'not bearer': { authorization: 'Basic YWxpY2U6cHc=' },
    malformed: { authorization: 'Bearer not-a-jwt' },
    'bad signature': bearer('alice', 'another-secret-that-is-long-enough-too!'),
    expired: { authorization: `Bearer ${expired}` },
    'no sub claim': { authorization: `Bearer ${noSub}` },
    'alg none': { authorization: `Bearer ${noneAlg}` }
  }
  for (const [name, headers] of Object.entries(cases)) {
    for (const url of ['/api/templates', '/api/topics', '/api/topics/1']) {
      const res = await app.inject({ method: 'GET', url, headers })
      t.equal(res.statusCode, 401, `${name} ${url}`)
      t.equal(res.json().error.code, 'UNAUTHORIZED', `${name} ${url}`)
      t.equal(res.json().success, false)
    }
  }
})

t.test('the query token is not accepted on ordinary routes', async (t) => {
  const app = await buildTestApp(t)
  const token = bearer('alice').authorization.slice('Bearer '.length)
  const res = await app.inject({ method: 'GET', url: `/api/templates?access_token=${token}` })
  t.equal(res.statusCode, 401)
})

t.test('a valid token lets the user in', async (t) => {
  const app = await buildTestApp(t)
  const res = await app.inject({ method: 'GET', url: '/api/templates', headers: bearer('alice') })
  t.equal(res.statusCode, 200)
})

t.test('without JWT_SECRET a random secret is used: outside tokens fail, its own work', async (t) => {
  const app = await buildTestApp(t, { env: { JWT_SECRET: '' } })
  t.equal(app.config.jwtSecret, undefined)
  const outside = await app.inject({ method: 'GET', url: '/api/templates', headers: bearer('demo') })
  t.equal(outside.statusCode, 401)
  const own = await app.inject({ method: 'GET', url: '/api/templates', headers: { authorization: `Bearer ${app.signToken('demo')}` } })
  t.equal(own.statusCode, 200)
})
