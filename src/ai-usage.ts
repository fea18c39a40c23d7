import type { Database } from './db/client.js'
import { aiUsage, type AiPurpose } from './db/schema.js'
import type { LlmUsage } from './llm/provider.js'

export async function recordAiUsage (db: Pick<Database, 'insert'>, topicId: number, purpose: AiPurpose, usage: LlmUsage) {
  await db.insert(aiUsage).values({ topicId, purpose, ...usage })
}
