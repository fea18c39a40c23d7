import { createHash } from 'node:crypto'
import { and, asc, desc, eq, max } from 'drizzle-orm'
import { recordAiUsage } from '../ai-usage.js'
import type { Database } from '../db/client.js'
import { artifacts, topics, type ArtifactKind, type ArtifactRow } from '../db/schema.js'
import { artifactNotFound } from '../errors.js'
import type { LlmUsage } from '../llm/provider.js'
import { reportBaseName, versionedFileName } from './filename.js'

export type ArtifactMeta = Omit<ArtifactRow, 'content'>

const metaColumns = {
  id: artifacts.id,
  topicId: artifacts.topicId,
  kind: artifacts.kind,
  version: artifacts.version,
  filename: artifacts.filename,
  size: artifacts.size,
  sha256: artifacts.sha256,
  createdAt: artifacts.createdAt
}

export const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

export interface FinishedReport {
  topicId: number
  title: string
  fallbackTitle: string
  markdown: string
  hwpx: Uint8Array
  docx: Uint8Array
  usage: LlmUsage
}

/**
 * Saves the three artifacts (Markdown, HWPX, DOCX) under the topic's next version and the model usage in
 * one transaction (a savepoint inside the caller's, which marks the topic completed): nothing is ever half-saved.
 */
export async function saveFinishedReport (db: Database, report: FinishedReport): Promise<{ markdownId: number, hwpxId: number, docxId: number, version: number }> {
  const base = reportBaseName(report.title, report.fallbackTitle)
  const markdownBytes = new TextEncoder().encode(report.markdown)
  return db.transaction(async (tx) => {
    const [latest] = await tx.select({ version: max(artifacts.version) }).from(artifacts).where(eq(artifacts.topicId, report.topicId))
    const version = (latest?.version ?? 0) + 1
    const file = (kind: ArtifactKind, content: Uint8Array) => ({
      topicId: report.topicId,
      kind,
      version,
      filename: versionedFileName(base, version, kind),
      content,
      size: content.byteLength,
      sha256: sha256Hex(content)
    })
    const [md, hwpx, docx] = await tx.insert(artifacts)
      .values([file('md', markdownBytes), file('hwpx', report.hwpx), file('docx', report.docx)])
      .returning({ id: artifacts.id, kind: artifacts.kind })
    await recordAiUsage(tx, report.topicId, 'generate', report.usage)
    return { markdownId: md!.id, hwpxId: hwpx!.id, docxId: docx!.id, version }
  })
}

export async function listTopicArtifacts (db: Database, topicId: number): Promise<ArtifactMeta[]> {
  return db.select(metaColumns).from(artifacts)
    .where(eq(artifacts.topicId, topicId))
    .orderBy(desc(artifacts.version), asc(artifacts.kind))
}

/** Only the owner of the artifact's topic sees it; anyone else gets the same 404 as for a missing id. */
export async function getOwnArtifact (db: Database, userId: string, id: number): Promise<ArtifactMeta> {
  const [row] = await db.select(metaColumns).from(artifacts)
    .innerJoin(topics, eq(topics.id, artifacts.topicId))
    .where(and(eq(artifacts.id, id), eq(topics.userId, userId)))
  if (!row) throw artifactNotFound(id)
  return row
}

export async function getOwnArtifactContent (db: Database, userId: string, id: number): Promise<ArtifactRow> {
  const [row] = await db.select({ artifact: artifacts }).from(artifacts)
    .innerJoin(topics, eq(topics.id, artifacts.topicId))
    .where(and(eq(artifacts.id, id), eq(topics.userId, userId)))
  if (!row) throw artifactNotFound(id)
  return row.artifact
}
