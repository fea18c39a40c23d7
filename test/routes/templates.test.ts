// test-database: postgres
import t from 'tap'
import { bearer, buildTestApp } from '../support/app.js'

t.test('templates: shared default, own ones, isolation between users', async (t) => {
  const app = await buildTestApp(t)
  const alice = bearer('alice')
  const bob = bearer('bob')

  const initial = await app.inject({ method: 'GET', url: '/api/templates', headers: alice })
  t.equal(initial.statusCode, 200)
  const [defaultTemplate] = initial.json().data.items
  t.match(defaultTemplate, { is_default: true, scope: 'shared', name: String })
  for (const heading of ['요약', '배경 및 목적', '주요 내용', '결론 및 제언']) {
    t.match(defaultTemplate.prompt_system, heading, `default guide mentions ${heading}`)
  }

  const created = await app.inject({
    method: 'POST',
    url: '/api/templates',
    headers: alice,
    payload: { name: '  시장 분석  ', description: '경쟁 구도 중심', prompt_system: '시장 분석 보고서를 작성하라' }
  })
  t.equal(created.statusCode, 201)
  const mine = created.json().data
  t.match(mine, { name: '시장 분석', description: '경쟁 구도 중심', scope: 'own', is_default: false })
  t.match(mine.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)

  const aliceList = (await app.inject({ method: 'GET', url: '/api/templates', headers: alice })).json().data.items
  t.same(aliceList.map((x: { id: number }) => x.id), [defaultTemplate.id, mine.id])
  const bobList = (await app.inject({ method: 'GET', url: '/api/templates', headers: bob })).json().data.items
  t.same(bobList.map((x: { id: number }) => x.id), [defaultTemplate.id], 'bob does not see alice\'s template')

  t.equal((await app.inject({ method: 'GET', url: `/api/templates/${mine.id}`, headers: alice })).statusCode, 200)
  const hidden = await app.inject({ method: 'GET', url: `/api/templates/${mine.id}`, headers: bob })
  const missing = await app.inject({ method: 'GET', url: '/api/templates/99999', headers: bob })
  t.equal(hidden.statusCode, 404)
  t.equal(missing.statusCode, 404)
  t.equal(hidden.json().error.code, 'NOT_FOUND')
  t.equal(hidden.json().error.message.replace(String(mine.id), 'N'), missing.json().error.message.replace('99999', 'N'),
    'another user\'s template looks exactly like a missing one')

  t.equal((await app.inject({ method: 'DELETE', url: `/api/templates/${mine.id}`, headers: bob })).statusCode, 404)
  const shared = await app.inject({ method: 'DELETE', url: `/api/templates/${defaultTemplate.id}`, headers: alice })
  t.equal(shared.statusCode, 409)
  t.equal(shared.json().error.code, 'CONFLICT')
  const deleted = await app.inject({ method: 'DELETE', url: `/api/templates/${mine.id}`, headers: alice })
  t.same(deleted.json(), { success: true, data: { id: mine.id, deleted: true } })
  t.equal((await app.inject({ method: 'GET', url: `/api/templates/${mine.id}`, headers: alice })).statusCode, 404)
})

t.test('POST /api/templates validates its body', async (t) => {
  const app = await buildTestApp(t)
  const carol = bearer('carol')
  const bad = [
    {},
    { name: 'x' },
    { name: '', prompt_system: 'p' },
    { name: '   ', prompt_system: 'p' },
    { name: 'x', prompt_system: '' },
    { name: 'x'.repeat(101), prompt_system: 'p' },
    { name: 'x', prompt_system: 'p', description: 42 },
    { name: true, prompt_system: 'p' },
    { name: 'x', prompt_system: { text: 'p' } },
    { name: 'x', prompt_system: 'p', owner_id: 'someone-else' }
  ]
  for (const payload of bad) {
    const res = await app.inject({ method: 'POST', url: '/api/templates', headers: carol, payload })
    t.equal(res.statusCode, 400, JSON.stringify(payload))
    t.equal(res.json().error.code, 'VALIDATION_ERROR')
  }
  const list = (await app.inject({ method: 'GET', url: '/api/templates', headers: carol })).json().data
  t.equal(list.total, 1, 'nothing was created by bad input')
  const unknown = await app.inject({ method: 'POST', url: '/api/templates', headers: carol, payload: { name: 'x', prompt_system: 'p', is_default: true } })
  t.match(unknown.json().error.message, /알 수 없는 필드 'is_default'/, 'an unknown field is named')
})

t.test('template ids in the path must be positive integers', async (t) => {
  const app = await buildTestApp(t)
  for (const id of ['abc', '0', '-1', '1.5', '99999999999']) {
    const res = await app.inject({ method: 'GET', url: `/api/templates/${id}`, headers: bearer('alice') })
    t.equal(res.statusCode, 400, id)
    t.equal(res.json().error.code, 'VALIDATION_ERROR', id)
  }
})

t.test('a user has at most TEMPLATES_PER_USER templates, and the list comes a page at a time', async (t) => {
  const app = await buildTestApp(t, { env: { TEMPLATES_PER_USER: '3' } })
  const dave = bearer('dave')
  const create = (i: number) => app.inject({ method: 'POST', url: '/api/templates', headers: dave, payload: { name: `템플릿 ${i}`, prompt_system: '지침' } })
  const answers = await Promise.all([1, 2, 3, 4, 5].map(create))
  t.same(answers.map((a) => a.statusCode).sort(), [201, 201, 201, 429, 429], 'simultaneous requests cannot pass the cap together')
  const refused = answers.find((a) => a.statusCode === 429)!
  t.match(refused.json(), { success: false, error: { code: 'RATE_LIMITED', message: /3개까지/ } })
  t.equal((await app.inject({ method: 'POST', url: '/api/templates', headers: bearer('erin'), payload: { name: 'e', prompt_system: 'p' } })).statusCode, 201,
    'another user is not affected')

  const first = (await app.inject({ method: 'GET', url: '/api/templates?page_size=2', headers: dave })).json().data
  t.match(first, { page: 1, page_size: 2, total: 4 })
  t.equal(first.items[0].is_default, true, 'the default comes first')
  const second = (await app.inject({ method: 'GET', url: '/api/templates?page=2&page_size=2', headers: dave })).json().data
  t.equal(second.items.length, 2)
  t.same(new Set([...first.items, ...second.items].map((x: { id: number }) => x.id)).size, 4, 'the pages do not overlap')

  const own = second.items.find((x: { scope: string }) => x.scope === 'own')
  t.equal((await app.inject({ method: 'DELETE', url: `/api/templates/${own.id}`, headers: dave })).statusCode, 200)
  t.equal((await create(6)).statusCode, 201, 'deleting one makes room')
})

t.test('page numbers out of range answer 400, never 500', async (t) => {
  const app = await buildTestApp(t)
  for (const url of ['/api/templates', '/api/topics']) {
    for (const page of ['1e20', 'Infinity', '92233720368547758', '-1', '0', '1.5', 'NaN']) {
      const res = await app.inject({ method: 'GET', url: `${url}?page=${page}`, headers: bearer('alice') })
      t.equal(res.statusCode, 400, `${url}?page=${page}`)
      t.equal(res.json().error.code, 'VALIDATION_ERROR')
    }
    t.equal((await app.inject({ method: 'GET', url: `${url}?page=100000`, headers: bearer('alice') })).statusCode, 200, 'the last page allowed is an empty page')
  }
})

t.test('a refused request says in Korean which field is wrong and what to send instead', async (t) => {
  const app = await buildTestApp(t)
  const headers = bearer('korean-messages')
  const messageOf = async (request: { method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object }) =>
    (await app.inject({ ...request, headers })).json().error.message
  const create = (payload: object) => messageOf({ method: 'POST', url: '/api/templates', payload })
  t.equal(await create({ name: '', prompt_system: 'p' }), 'name 필드가 비어 있습니다. 내용을 입력해 주세요.')
  t.equal(await create({ name: '   ', prompt_system: 'p' }), 'name 필드가 공백뿐입니다. 내용을 입력해 주세요.')
  t.equal(await create({ name: 'x'.repeat(101), prompt_system: 'p' }), 'name 필드는 100자를 넘을 수 없습니다. 100자 이하로 줄여 주세요.')
  t.equal(await create({ name: 'x' }), 'prompt_system 필드가 없습니다. prompt_system 필드를 넣어 다시 보내 주세요.')
  t.equal(await messageOf({ method: 'GET', url: '/api/templates?page=0' }), 'page 필드는 1 이상이어야 합니다. 값을 확인해 주세요.')
  t.equal(await messageOf({ method: 'GET', url: '/api/templates/abc' }), 'id 필드는 정수 값이어야 합니다. 값의 형식을 확인해 주세요.')
  t.equal(await messageOf({ method: 'GET', url: '/api/templates/999999' }),
    '999999번 템플릿을 찾을 수 없습니다. 템플릿 목록(GET /api/templates)에서 id를 확인해 주세요.')
  const shared = (await app.inject({ method: 'GET', url: '/api/templates', headers })).json().data.items[0]
  t.equal(await messageOf({ method: 'DELETE', url: `/api/templates/${shared.id}` }),
    `${shared.id}번 템플릿은 모두가 함께 쓰는 템플릿이라 지울 수 없습니다. 직접 만든 템플릿만 지울 수 있습니다.`)
})
