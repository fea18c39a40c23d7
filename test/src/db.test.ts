// test-database: postgres
import t from 'tap'
import { eq, sql } from 'drizzle-orm'
import { artifacts, aiUsage, templates, topics } from '../../src/db/schema.js'
import { openTestDatabase } from '../support/database.js'

t.test('migrations seed exactly one default template', async (t) => {
  const { db } = await openTestDatabase(t)
  const rows = await db.select().from(templates)
  t.equal(rows.length, 1)
  t.equal(rows[0]!.isDefault, true)
  t.equal(rows[0]!.ownerId, null)
  await t.rejects(db.insert(templates).values({ name: 'second', promptSystem: 'p', isDefault: true }), 'a second default is refused')
})

t.test('foreign keys, cascades and uniqueness are enforced', async (t) => {
  const { db } = await openTestDatabase(t)
  await t.rejects(db.insert(topics).values({ userId: 'u', topic: 'x', templateId: 9999 }), 'unknown template')
  await t.rejects(db.insert(artifacts).values({
    topicId: 9999, kind: 'md', version: 1, filename: 'a.md', content: new Uint8Array([1]), size: 1, sha256: 'a'.repeat(64)
  }), 'unknown topic')

  const [topic] = await db.insert(topics).values({ userId: 'u', topic: 'x', templateId: null }).returning()
  const content = new Uint8Array([0, 1, 2, 255])
  const artifact = { topicId: topic!.id, kind: 'hwpx' as const, version: 1, filename: 'a.hwpx', content, size: 4, sha256: 'b'.repeat(64) }
  await db.insert(artifacts).values(artifact)
  await t.rejects(db.insert(artifacts).values(artifact), 'same topic, kind and version')
  const [stored] = await db.select().from(artifacts).where(eq(artifacts.topicId, topic!.id))
  t.same(Array.from(stored!.content), [0, 1, 2, 255], 'bytea round-trips')
  await db.insert(aiUsage).values({ topicId: topic!.id, purpose: 'plan', model: 'm', inputTokens: 1, outputTokens: 2, latencyMs: 3 })
  await t.rejects(db.insert(aiUsage).values({ topicId: topic!.id, purpose: 'other' as 'plan', model: 'm', inputTokens: 1, outputTokens: 2, latencyMs: 3 }))
  await t.rejects(db.execute(sql`update topics set status = 'bogus' where id = ${topic!.id}`), 'status is checked')

  await db.delete(topics).where(eq(topics.id, topic!.id))
  t.equal((await db.select().from(artifacts)).length, 0, 'artifacts go with their topic')
  t.equal((await db.select().from(aiUsage)).length, 0, 'usage goes with its topic')
})

t.test('listen: onListening runs once the LISTEN is in place, and a NOTIFY sent then is heard', async (t) => {
  const handle = await openTestDatabase(t)
  const heard: string[] = []
  let notifiedWhenListening: Promise<unknown> | undefined
  const unlisten = await handle.listen('listening_test', (payload) => heard.push(payload), () => {
    notifiedWhenListening ??= handle.db.execute(sql`select pg_notify('listening_test', 'sent from onListening')`)
  })
  t.teardown(() => unlisten())
  t.ok(notifiedWhenListening, 'onListening ran before listen resolved')
  await notifiedWhenListening
  const deadline = Date.now() + 5000
  while (heard.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
  t.same(heard, ['sent from onListening'])
})
