// test-database: postgres
import { createHmac, generateKeyPairSync } from 'node:crypto'
import t from 'tap'
import { createSigner } from 'fast-jwt'
import { buildApp } from '../../app.js'
import { bearer, buildTestApp, sharedTestDatabase, TEST_JWT_SECRET, testConfig } from '../support/app.js'
import { captureLog } from '../support/log-capture.js'

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

/** A token put together by hand, so its header and claims can be anything a client might send. */
function handMade (header: Record<string, unknown>, claims: Record<string, unknown>, secret = TEST_JWT_SECRET) {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const signed = `${part(header)}.${part(claims)}`
  const algorithm = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' }[header.alg as string] ?? 'sha256'
  return `${signed}.${createHmac(algorithm, secret).update(signed).digest('base64url')}`
}

t.test('every token that is not accepted answers 401, never 500, with one message', async (t) => {
  const { stream, records: logs } = captureLog()
  const app = await buildApp({ config: testConfig(), database: await sharedTestDatabase(), logger: { level: 'info', stream } })
  t.teardown(() => app.close())
  const now = Math.floor(Date.now() / 1000)
  const valid = { sub: 'alice', iat: now, exp: now + 3600 }
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const cases: Record<string, string> = {
    HS384: handMade({ alg: 'HS384', typ: 'JWT' }, valid),
    HS512: handMade({ alg: 'HS512', typ: 'JWT' }, valid),
    RS256: createSigner({ key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, algorithm: 'RS256' })(valid),
    'future nbf': handMade({ alg: 'HS256', typ: 'JWT' }, { ...valid, nbf: now + 3600 }),
    'string exp': handMade({ alg: 'HS256', typ: 'JWT' }, { ...valid, exp: String(now + 3600) }),
    'crit header': handMade({ alg: 'HS256', typ: 'JWT', crit: ['exp'] }, valid),
    'no exp': handMade({ alg: 'HS256', typ: 'JWT' }, { sub: 'alice', iat: now }),
    'no iat': handMade({ alg: 'HS256', typ: 'JWT' }, { sub: 'alice', exp: now + 3600 }),
    'a life of ten years': handMade({ alg: 'HS256', typ: 'JWT' }, { sub: 'alice', iat: now, exp: now + 10 * 365 * 86400 }),
    'issued in the future': handMade({ alg: 'HS256', typ: 'JWT' }, { sub: 'alice', iat: now + 3600, exp: now + 7200 }),
    'not JSON': 'eyJub3Q.eyJqc29u.c2ln',
    'sub of another type': handMade({ alg: 'HS256', typ: 'JWT' }, { ...valid, sub: 42 })
  }
  for (const [name, token] of Object.entries(cases)) {
    const res = await app.inject({ method: 'GET', url: '/api/templates', headers: { authorization: `Bearer ${token}` } })
    t.equal(res.statusCode, 401, name)
    t.match(res.json(), { success: false, error: { code: 'UNAUTHORIZED', message: /토큰/ } }, name)
  }
  t.equal((await app.inject({ method: 'GET', url: '/api/templates', headers: { authorization: `Bearer ${handMade({ alg: 'HS256', typ: 'JWT' }, valid)}` } })).statusCode, 200,
    'the same hand-made token with HS256, exp and iat is accepted')
  t.notOk(logs.some((line) => line.level >= 50), 'no error (and no stack trace) in the log')
})

t.test('JWT_MAX_AGE_SECONDS bounds the life a token may claim', async (t) => {
  const app = await buildTestApp(t, { env: { JWT_MAX_AGE_SECONDS: '3600' } })
  const now = Math.floor(Date.now() / 1000)
  const short = handMade({ alg: 'HS256', typ: 'JWT' }, { sub: 'alice', iat: now, exp: now + 3600 })
  const long = handMade({ alg: 'HS256', typ: 'JWT' }, { sub: 'alice', iat: now, exp: now + 3601 })
  t.equal((await app.inject({ method: 'GET', url: '/api/templates', headers: { authorization: `Bearer ${short}` } })).statusCode, 200)
  t.equal((await app.inject({ method: 'GET', url: '/api/templates', headers: { authorization: `Bearer ${long}` } })).statusCode, 401)
})
