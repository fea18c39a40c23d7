import { and, desc, eq } from 'drizzle-orm'
import type { Database } from '../db/client.js'
import { artifacts, type TopicRow } from '../db/schema.js'
import type { StatusSnapshot } from './types.js'

/**
 * The status a topic had when it last reached the database: the answer for /status and the
 * stream once the in-memory entry has expired or the process has restarted. A topic that never
 * started generating has none.
 */
export async function persistedStatus (db: Database, topic: TopicRow): Promise<StatusSnapshot | undefined> {
  if (topic.status === 'planned') return undefined
  let artifactId: number | null = null
  if (topic.status === 'completed') {
    const [latest] = await db.select({ id: artifacts.id }).from(artifacts)
      .where(and(eq(artifacts.topicId, topic.id), eq(artifacts.kind, 'hwpx')))
      .orderBy(desc(artifacts.version))
      .limit(1)
    artifactId = latest?.id ?? null
  }
  return {
    topic_id: topic.id,
    status: topic.status,
    progress_percent: topic.status === 'completed' ? 100 : 0,
    current_step: null,
    started_at: topic.generationStartedAt?.toISOString() ?? null,
    estimated_completion: null,
    artifact_id: artifactId,
    completed_at: topic.generationCompletedAt?.toISOString() ?? null,
    error_message: topic.generationError
  }
}
