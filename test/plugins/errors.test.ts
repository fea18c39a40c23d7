// test-database: postgres
import { sql } from 'drizzle-orm'
import t from 'tap'
import { buildApp } from '../../app.js'
import { bearer, buildTestApp, sharedTestDatabase, testConfig } from '../support/app.js'
import { createTestDatabase } from '../support/database.js'

t.test('error envelope for the ways a request can be malformed', async (t) => {
  const app = await buildTestApp(t, { env: { BODY_LIMIT_BYTES: '2048' } })
  const headers = bearer('alice')
  const cases: Array<{ name: string, payload: string, contentType?: string, status: number, code: string }> = [
    { name: 'malformed JSON', payload: '{"name":', contentType: 'application/json', status: 400, code: 'VALIDATION_ERROR' },
    { name: 'wrong content type', payload: 'name=x', contentType: 'application/x-www-form-urlencoded', status: 400, code: 'VALIDATION_ERROR' },
    { name: 'text/plain', payload: 'hello', contentType: 'text/plain', status: 400, code: 'VALIDATION_ERROR' },
    { name: 'empty JSON body', payload: '', contentType: 'application/json', status: 400, code: 'VALIDATION_ERROR' },
    { name: 'number for a string', payload: JSON.stringify({ name: 5, prompt_system: 'p' }), contentType: 'application/json', status: 400, code: 'VALIDATION_ERROR' },
    { name: 'array for a string', payload: JSON.stringify({ name: ['a'], prompt_system: 'p' }), contentType: 'application/json', status: 400, code: 'VALIDATION_ERROR' },
    { name: 'too large', payload: JSON.stringify({ name: 'x', prompt_system: 'p'.repeat(4000) }), contentType: 'application/json', status: 413, code: 'PAYLOAD_TOO_LARGE' }
  ]
  for (const c of cases) {
    const res = await app.inject({
      method: 'POST', url: '/api/templates', payload: c.payload, headers: { ...headers, 'content-type': c.contentType }
    })
    t.equal(res.statusCode, c.status, c.name)
    const body = res.json()
    t.equal(body.success, false, c.name)
    t.equal(body.error.code, c.code, c.name)
    t.match(body.error.message, /[가-힣]/, `${c.name}: the message is Korean`)
    t.equal(body.meta.requestId, res.headers['x-request-id'], c.name)
  }
})

t.test('a strict type error says which field is wrong', async (t) => {
  const app = await buildTestApp(t)
  const res = await app.inject({ method: 'POST', url: '/api/templates', headers: bearer('alice'), payload: { name: 5, prompt_system: 'p' } })
  t.equal(res.statusCode, 400)
  t.match(res.json().error.message, /^name 필드는 문자열 값이어야 합니다/)
})

t.test('unknown routes answer NOT_FOUND in the envelope', async (t) => {
  const app = await buildTestApp(t)
  const res = await app.inject({ method: 'GET', url: '/no/such/route?x=1' })
  t.equal(res.statusCode, 404)
  t.match(res.json(), { success: false, error: { code: 'NOT_FOUND', message: 'GET /no/such/route 경로는 없습니다. 주소와 메서드를 확인해 주세요.' } })
})

t.test('a 4xx of no code of ours is a VALIDATION_ERROR 400 whose message names no other status', async (t) => {
  const app = await buildApp({ config: testConfig(), database: await sharedTestDatabase() })
  t.teardown(() => app.close())
  app.get('/framework-error/:status', async (request) => {
    throw Object.assign(new Error('from a plugin'), { statusCode: Number((request.params as { status: string }).status) })
  })
  for (const status of [405, 408, 409, 415, 422, 431]) {
    const res = await app.inject({ method: 'GET', url: `/framework-error/${status}` })
    t.equal(res.statusCode, 400, `${status}`)
    t.match(res.json(), { success: false, error: { code: 'VALIDATION_ERROR', message: /^[^0-9]*[가-힣][^0-9]*$/ } }, `${status}: a Korean sentence with no status number`)
  }
})

t.test('request ids: an incoming safe id is echoed, an unsafe one replaced', async (t) => {
  const app = await buildTestApp(t)
  const kept = await app.inject({ method: 'GET', url: '/nope', headers: { 'x-request-id': 'client-abc.123' } })
  t.equal(kept.headers['x-request-id'], 'client-abc.123')
  t.equal(kept.json().meta.requestId, 'client-abc.123')
  const replaced = await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'bad id\nwith newline' } })
  t.not(replaced.headers['x-request-id'], 'bad id\nwith newline')
  t.match(replaced.headers['x-request-id'], /^[0-9a-f-]{36}$/)
})

t.test('an internal fault becomes INTERNAL_ERROR without leaking details', async (t) => {
  const database = await createTestDatabase()
  t.teardown(() => database.close())
  const app = await buildTestApp(t, { database })
  // A fault of ours, not an outage (that is a 503, see test/routes/database-outage.test.ts).
  await database.db.execute(sql`drop table templates cascade`)
  const res = await app.inject({ method: 'GET', url: '/api/templates', headers: bearer('alice') })
  t.equal(res.statusCode, 500)
  const body = res.json()
  t.same(Object.keys(body.error), ['code', 'message'])
  t.equal(body.error.code, 'INTERNAL_ERROR')
  t.equal(body.error.message, '서버에서 오류가 나서 요청을 처리하지 못했습니다. 잠시 후 다시 시도해 주세요.')
  t.notMatch(res.body, /at |templates|select|stack|\.ts/)
})
