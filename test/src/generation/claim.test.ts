// test-database: postgres
import t from 'tap'
import { randomUUID } from 'node:crypto'
import { SAMPLE_PLAN, planTopic } from '../../support/generation.js'
import { buildTestApp } from '../../support/app.js'

t.test('a claim of a topic deleted (or never owned) since the ownership check is a 404, not a 409', async (t) => {
  const app = await buildTestApp(t)
  const { topic_id: topicId } = await planTopic(app, 'claim-owner')
  const claim = (userId: string, id: number) => app.db.transaction((tx) => app.generator.lifecycle.claim(tx, {
    topicId: id, userId, topic: '2026 디지털뱅킹 트렌드 분석', templateId: 1, plan: SAMPLE_PLAN, sections: [], jobId: randomUUID()
  }))
  await t.rejects(claim('claim-owner', 2_000_000_000), { code: 'NOT_FOUND' }, 'a topic that is gone')
  await t.rejects(claim('someone-else', topicId), { code: 'NOT_FOUND' }, 'another user\'s topic')
  await claim('claim-owner', topicId)
  await t.rejects(claim('claim-owner', topicId), { code: 'CONFLICT' }, 'the owner\'s topic already generating is still a 409')
})
