// test-database: postgres
import t from 'tap'
import { createTopic } from '../../src/topics/repository.js'
import { bearer, buildTestApp } from '../support/app.js'

t.test('GET /api/topics lists only the caller\'s topics, newest first, paginated', async (t) => {
  const app = await buildTestApp(t)
  for (let i = 1; i <= 5; i++) {
    await createTopic(app.db, { userId: 'alice', topic: `주제 ${i}`, templateId: null })
  }
  await createTopic(app.db, { userId: 'bob', topic: 'bob 주제', templateId: null })

  const first = await app.inject({ method: 'GET', url: '/api/topics?page=1&page_size=2', headers: bearer('alice') })
  t.equal(first.statusCode, 200)
  const page1 = first.json().data
  t.equal(page1.total, 5)
  t.same(page1.items.map((x: { topic: string }) => x.topic), ['주제 5', '주제 4'])
  t.match(page1.items[0], { status: 'planned', sections_count: 0, template_id: null, error_message: null })

  const page3 = (await app.inject({ method: 'GET', url: '/api/topics?page=3&page_size=2', headers: bearer('alice') })).json().data
  t.same(page3.items.map((x: { topic: string }) => x.topic), ['주제 1'])

  const bobs = (await app.inject({ method: 'GET', url: '/api/topics', headers: bearer('bob') })).json().data
  t.same(bobs.items.map((x: { topic: string }) => x.topic), ['bob 주제'])
  t.equal(bobs.page_size, 20)

  for (const query of ['page=0', 'page_size=101', 'page=x']) {
    const res = await app.inject({ method: 'GET', url: `/api/topics?${query}`, headers: bearer('alice') })
    t.equal(res.statusCode, 400, query)
  }
})

t.test('GET /api/topics/:id shows the plan to its owner only', async (t) => {
  const app = await buildTestApp(t)
  const row = await createTopic(app.db, {
    userId: 'dave',
    topic: '2026 디지털뱅킹 트렌드 분석',
    templateId: null,
    plan: '# 계획\n## 개요',
    planSections: [{ title: '개요', description: '전체 개요', order: 1 }]
  })
  const res = await app.inject({ method: 'GET', url: `/api/topics/${row.id}`, headers: bearer('dave') })
  t.equal(res.statusCode, 200)
  t.match(res.json().data, {
    id: row.id,
    topic: '2026 디지털뱅킹 트렌드 분석',
    plan: '# 계획\n## 개요',
    sections_count: 1,
    sections: [{ title: '개요', description: '전체 개요', order: 1 }]
  })
  const other = await app.inject({ method: 'GET', url: `/api/topics/${row.id}`, headers: bearer('bob') })
  t.equal(other.statusCode, 404)
  t.equal(other.json().error.code, 'NOT_FOUND')
  t.equal((await app.inject({ method: 'GET', url: '/api/topics/424242', headers: bearer('dave') })).statusCode, 404)
})
