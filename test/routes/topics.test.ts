// test-database: postgres
import { eq } from 'drizzle-orm'
import t from 'tap'
import { saveFinishedReport } from '../../src/artifacts/repository.js'
import { artifacts, topics, type TopicRow } from '../../src/db/schema.js'
import { createTopic } from '../../src/topics/repository.js'
import { bearer, buildTestApp } from '../support/app.js'
import { waitUntil } from '../support/generation.js'

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

async function topicOf (app: Awaited<ReturnType<typeof buildTestApp>>, userId: string, topic: string, status: TopicRow['status'] = 'planned') {
  const row = await createTopic(app.db, { userId, topic, templateId: null, plan: '# 제목\n\n## 개요\n\n처음 설명\n', planSections: [{ title: '개요', description: '처음 설명', order: 1 }] })
  if (status !== 'planned') await app.db.update(topics).set({ status }).where(eq(topics.id, row.id))
  return row
}

async function saveVersion (app: Awaited<ReturnType<typeof buildTestApp>>, topicId: number, title: string) {
  return saveFinishedReport(app.db, {
    topicId,
    title,
    fallbackTitle: title,
    markdown: `# ${title}\n`,
    hwpx: new Uint8Array([80, 75, 3, 4]),
    docx: new Uint8Array([80, 75, 3, 4]),
    usage: { model: 'test', inputTokens: 1, outputTokens: 1, latencyMs: 1 }
  })
}

t.test('GET /api/topics searches titles and shows each row\'s newest version with its files', async (t) => {
  const app = await buildTestApp(t)
  const bank = await topicOf(app, 'sena', '2026 디지털뱅킹 트렌드 분석')
  await topicOf(app, 'sena', '반도체 수출 전망')
  await topicOf(app, 'sena', '할인율 10% 적용_효과')
  await topicOf(app, 'other', '디지털뱅킹 다른 사람')
  await saveVersion(app, bank.id, '디지털뱅킹 보고서')
  const second = await saveVersion(app, bank.id, '디지털뱅킹 보고서')

  const list = async (query: string) => (await app.inject({ method: 'GET', url: `/api/topics?${query}`, headers: bearer('sena') })).json().data
  const found = await list(`q=${encodeURIComponent('디지털뱅킹')}`)
  t.equal(found.total, 1, 'only the caller\'s matching topic')
  t.equal(found.items[0].latest_version, 2)
  t.same(found.items[0].latest_files.map((f: { kind: string, version: number, filename: string }) => [f.kind, f.version, f.filename]), [
    ['docx', 2, '디지털뱅킹 보고서_v2.docx'],
    ['hwpx', 2, '디지털뱅킹 보고서_v2.hwpx'],
    ['md', 2, '디지털뱅킹 보고서_v2.md']
  ], 'the newest file of each kind, its name carrying the version')
  t.equal(found.items[0].latest_files.find((f: { kind: string }) => f.kind === 'hwpx').id, second.hwpxId)

  t.same((await list('q=%EB%B0%98%EB%8F%84%EC%B2%B4')).items.map((x: { topic: string }) => x.topic), ['반도체 수출 전망'])
  t.equal((await list(`q=${encodeURIComponent('10%')}`)).total, 1, '% is searched as text')
  t.equal((await list(`q=${encodeURIComponent('율_10')}`)).total, 0, '_ is no wildcard for the space')
  t.equal((await list(`q=${encodeURIComponent('용_효')}`)).total, 1, 'but matches itself')
  t.equal((await list(`q=${encodeURIComponent('율%적')}`)).total, 0, 'nor is %')
  const all = await list('q=')
  t.equal(all.total, 3, 'an empty search lists everything')
  t.equal(all.items.find((x: { topic: string }) => x.topic === '반도체 수출 전망').latest_version, null, 'no version before the first report')
  t.equal((await app.inject({ method: 'GET', url: `/api/topics?q=${'가'.repeat(201)}`, headers: bearer('sena') })).statusCode, 400)
})

t.test('planning the same topic again updates its draft instead of adding a row', async (t) => {
  const app = await buildTestApp(t)
  const plan = async (topic: string) => (await app.inject({ method: 'POST', url: '/api/topics/plan', headers: bearer('replanner'), payload: { topic } })).json().data
  const ids = await Promise.all([plan('재계획 주제'), plan('재계획 주제')])
  const again = await plan('재계획 주제')
  t.equal(ids[0].topic_id, ids[1].topic_id, 'two simultaneous plans land on one row')
  t.equal(again.topic_id, ids[0].topic_id, 'and so does a later one')
  const other = await plan('다른 주제')
  t.not(other.topic_id, again.topic_id, 'another topic is another row')

  await app.db.update(topics).set({ status: 'completed' }).where(eq(topics.id, again.topic_id))
  const afterReport = await plan('재계획 주제')
  t.not(afterReport.topic_id, again.topic_id, 'a written report is never overwritten by a new plan')
  const list = (await app.inject({ method: 'GET', url: '/api/topics', headers: bearer('replanner') })).json().data
  t.equal(list.total, 3)
  t.same(list.items.map((x: { id: number }) => x.id), [afterReport.topic_id, other.topic_id, again.topic_id], 'most recently changed first')
})

t.test('PATCH /api/topics/:id renames a topic, even one being written', async (t) => {
  const app = await buildTestApp(t)
  const row = await topicOf(app, 'editor', '원래 제목')
  const patch = (payload: unknown, user = 'editor', id = row.id) =>
    app.inject({ method: 'PATCH', url: `/api/topics/${id}`, headers: bearer(user), payload: payload as object })

  const renamed = await patch({ topic: '  바뀐 제목  ' })
  t.equal(renamed.statusCode, 200)
  t.match(renamed.json().data, { id: row.id, topic: '바뀐 제목', plan: row.plan }, 'the plan stays as it was')
  t.equal((await app.inject({ method: 'GET', url: `/api/topics/${row.id}`, headers: bearer('editor') })).json().data.topic, '바뀐 제목')

  for (const bad of [{}, { topic: '' }, { topic: '   ' }, { topic: 5 }, { topic: '가'.repeat(201) }, { topic: '제목', plan: '# 계획' }]) {
    const res = await patch(bad)
    t.equal(res.statusCode, 400, JSON.stringify(bad))
    t.equal(res.json().error.code, 'VALIDATION_ERROR')
  }
  t.equal((await patch({ topic: '남의 것' }, 'intruder')).statusCode, 404, 'another user\'s topic is not found')
  t.equal((await patch({ topic: '없는 것' }, 'editor', 424242)).statusCode, 404)

  const running = await topicOf(app, 'editor', '작성 중인 보고서', 'generating')
  t.equal((await patch({ topic: '작성 중에도 이름은 바꿈' }, 'editor', running.id)).statusCode, 200, 'a report being written can be renamed')
})

t.test('DELETE /api/topics/:id removes a topic and its files, never a running one', async (t) => {
  const app = await buildTestApp(t)
  const done = await topicOf(app, 'cleaner', '지울 보고서', 'completed')
  const files = await saveVersion(app, done.id, '지울 보고서')
  const remove = (id: number, user = 'cleaner') => app.inject({ method: 'DELETE', url: `/api/topics/${id}`, headers: bearer(user) })

  t.equal((await remove(done.id, 'intruder')).statusCode, 404, 'another user cannot delete it')
  // The run that wrote it, still held in memory, as on the process that wrote it and on another replica.
  const replica = await buildTestApp(t)
  for (const instance of [app, replica]) {
    instance.statusStore.begin(done.id, '보고서 작성 요청 중', 'cleaner')
    instance.statusStore.complete(done.id, files.hwpxId)
  }
  const status = (instance = app) => instance.inject({ method: 'GET', url: `/api/topics/${done.id}/status`, headers: bearer('cleaner') })
  t.equal((await status()).statusCode, 200)
  t.equal((await status(replica)).statusCode, 200)
  const res = await remove(done.id)
  t.equal(res.statusCode, 200)
  t.same(res.json().data, { id: done.id, deleted: true })
  t.equal((await app.inject({ method: 'GET', url: `/api/topics/${done.id}`, headers: bearer('cleaner') })).statusCode, 404)
  t.equal((await app.inject({ method: 'GET', url: `/api/artifacts/${files.hwpxId}`, headers: bearer('cleaner') })).statusCode, 404, 'its files went with it')
  t.same(await app.db.select().from(artifacts).where(eq(artifacts.topicId, done.id)), [])
  t.equal((await status()).statusCode, 404, 'nor its status')
  await waitUntil(async () => (await status(replica)).statusCode === 404)
  t.pass('nor on the other replica, once the notice arrives')
  t.equal((await remove(done.id)).statusCode, 404, 'a second delete finds nothing')

  const running = await topicOf(app, 'cleaner', '작성 중', 'generating')
  const blocked = await remove(running.id)
  t.equal(blocked.statusCode, 409)
  t.equal(blocked.json().error.code, 'CONFLICT')
})
