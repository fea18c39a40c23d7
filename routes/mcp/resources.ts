import { McpError, type ReadResourceResult, type Resource, type ResourceLink, type ResourceTemplate } from '@modelcontextprotocol/sdk/types.js'
import type { ApiClient, ApiFailure } from './api-client.js'

/** A saved report file, as GET /api/topics/:id/artifacts lists it. */
export interface ArtifactInfo {
  id: number
  topic_id: number
  kind: string
  version: number
  filename: string
  size: number
  content_type: string
  download_url: string
}

interface TopicPage {
  items: Array<{ id: number, topic: string, status: string }>
  page: number
  page_size: number
  total: number
}

const URI_PREFIX = 'reportflow://artifacts/'
const URI_PATTERN = /^reportflow:\/\/artifacts\/([1-9]\d{0,9})$/
/** The spec's code for a resource that does not exist (or, here, is someone else's). */
const RESOURCE_NOT_FOUND = -32002
const INVALID_PARAMS = -32602
const INTERNAL_ERROR = -32603
const TOPICS_PER_PAGE = 20

const KIND_LABELS: Record<string, string> = { md: 'Markdown', hwpx: 'HWPX (한글)', docx: 'DOCX (Word)' }

export const artifactUri = (id: number) => `${URI_PREFIX}${id}`

/** The media type without parameters ("text/markdown; charset=utf-8" → "text/markdown"). */
const essence = (contentType: string) => contentType.split(';')[0]!.trim().toLowerCase()

export const ARTIFACT_TEMPLATE: ResourceTemplate = {
  uriTemplate: `${URI_PREFIX}{artifact_id}`,
  name: 'report-file',
  title: '보고서 파일',
  description: '완성된 보고서 파일 하나(Markdown은 텍스트, HWPX와 DOCX는 바이너리). get_report_status의 리소스 링크나 리소스 목록에 있는 주소입니다.'
}

function describe (artifact: ArtifactInfo, topic?: string) {
  const label = KIND_LABELS[artifact.kind] ?? artifact.kind
  return {
    uri: artifactUri(artifact.id),
    name: artifact.filename,
    title: `${topic ?? artifact.filename} — ${label}, ${artifact.version}판`,
    mimeType: essence(artifact.content_type),
    size: artifact.size
  }
}

/** The newest version's files of a topic: the report a finished generation produced. */
export async function latestArtifacts (api: ApiClient, topicId: number): Promise<ArtifactInfo[]> {
  const all = await api.data<ArtifactInfo[]>({ method: 'GET', url: `/api/topics/${topicId}/artifacts` })
  const newest = Math.max(...all.map((artifact) => artifact.version))
  return all.filter((artifact) => artifact.version === newest)
}

export function artifactLinks (artifacts: ArtifactInfo[]): ResourceLink[] {
  return artifacts.map((artifact) => ({ type: 'resource_link', ...describe(artifact) }))
}

/**
 * The caller's reports, newest topic first, one page of topics per cursor: the newest version's
 * files of each topic that has any.
 */
export async function listArtifactResources (api: ApiClient, cursor: string | undefined): Promise<{ resources: Resource[], nextCursor?: string }> {
  const page = cursor === undefined ? 1 : Number(cursor)
  if (!Number.isSafeInteger(page) || page < 1) throw new McpError(INVALID_PARAMS, `목록 커서 '${cursor}'가 올바르지 않습니다. 앞선 resources/list가 돌려준 nextCursor를 그대로 보내 주세요.`)
  const topics = await api.data<TopicPage>({
    method: 'GET', url: '/api/topics', query: { page: String(page), page_size: String(TOPICS_PER_PAGE) }
  })
  const withFiles = topics.items.filter((topic) => topic.status !== 'planned')
  const files = await Promise.all(withFiles.map(async (topic) =>
    (await latestArtifacts(api, topic.id)).map((artifact) => describe(artifact, topic.topic))))
  const more = topics.page * topics.page_size < topics.total
  return { resources: files.flat(), ...(more ? { nextCursor: String(page + 1) } : {}) }
}

/** One file through the download route: Markdown as text, anything else as a base64 blob. */
export async function readArtifact (api: ApiClient, uri: string): Promise<ReadResourceResult> {
  const id = URI_PATTERN.exec(uri)?.[1]
  if (!id) throw new McpError(RESOURCE_NOT_FOUND, `${uri} 리소스는 없습니다. 보고서 파일의 주소는 ${URI_PREFIX}{artifact_id} 형식입니다.`)
  const { contentType, bytes } = await api.file(`/api/artifacts/${id}/download`)
  const mimeType = essence(contentType)
  return {
    contents: [mimeType.startsWith('text/')
      ? { uri, mimeType, text: bytes.toString('utf8') }
      : { uri, mimeType, blob: bytes.toString('base64') }]
  }
}

/** Resources answer with JSON-RPC errors, not tool results: the API's envelope rides along as `data`. */
export function protocolError (failure: ApiFailure): McpError {
  const { code } = failure.envelope.error
  const rpcCode = code === 'NOT_FOUND' ? RESOURCE_NOT_FOUND : code === 'VALIDATION_ERROR' ? INVALID_PARAMS : INTERNAL_ERROR
  return new McpError(rpcCode, failure.message, failure.envelope)
}
