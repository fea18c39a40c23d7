import type { CallToolResult, ContentBlock, ProgressToken, ServerNotification } from '@modelcontextprotocol/sdk/types.js'
import type { FastifyBaseLogger } from 'fastify'
import { errorEnvelope, internalError, validationFailure } from '../../plugins/errors.js'
import { AppError } from '../../src/errors.js'
import type { StatusStore } from '../../src/status/store.js'
import type { StatusSnapshot } from '../../src/status/types.js'
import { ApiFailure, type ApiClient, type ErrorEnvelope } from './api-client.js'
import { followGeneration } from './follow.js'
import { artifactLinks, latestArtifacts } from './resources.js'
import { asStructured, type CatalogueTool } from './tools.js'

export interface CallContext {
  api: ApiClient
  store: StatusStore
  /** A waiting call holds one of the user's and the topic's status-stream slots, as a stream does. */
  holdStreamSlot: (topicId: number) => () => void
  requestId: string
  log: FastifyBaseLogger
  progressToken: ProgressToken | undefined
  signal: AbortSignal
  sendNotification: (notification: ServerNotification) => Promise<void>
}

/** Structured content, and the same JSON as text for clients that only read text (as the spec asks). */
function success (structured: Record<string, unknown>, links: ContentBlock[] = []): CallToolResult {
  return { structuredContent: structured, content: [{ type: 'text', text: JSON.stringify(structured) }, ...links] }
}

/** A tool error carries the API's error envelope: the same code, message and hint as over HTTP. */
function failure (envelope: ErrorEnvelope): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: JSON.stringify(envelope) }] }
}

/** Only steps forward are sent, so a run that fails or is cancelled (its percentage stays) sends none. */
const progressMessage = (snapshot: StatusSnapshot) => snapshot.status === 'completed' ? '보고서 완성' : snapshot.current_step ?? '보고서 작성 중'

async function statusOf (tool: CatalogueTool, args: Record<string, unknown>, answer: unknown, context: CallContext): Promise<CallToolResult> {
  const { api } = context
  const topicId = (answer as { topic_id: number }).topic_id
  const readStatus = () => api.data<StatusSnapshot>({ method: 'GET', url: `/api/topics/${topicId}/status` })
  // generate_report's answer is the 202's, so the status is asked for.
  let status = tool.readsStatus ? answer as StatusSnapshot : await readStatus()
  const waitSeconds = args.wait_seconds as number
  if (status.status === 'generating' && waitSeconds > 0) {
    const release = context.holdStreamSlot(topicId)
    const latest = await followGeneration({
      store: context.store,
      topicId,
      waitMs: waitSeconds * 1000,
      signal: context.signal,
      onProgress: async (snapshot) => {
        if (context.progressToken === undefined) return
        await context.sendNotification({
          method: 'notifications/progress',
          params: { progressToken: context.progressToken, progress: snapshot.progress_percent, total: 100, message: progressMessage(snapshot) }
        }).catch((error: unknown) => context.log.debug({ err: error }, 'MCP progress notification not delivered'))
      }
    }).finally(release)
    // The snapshot itself rather than a second request: the server may be shutting down, when
    // it takes no new requests, and a client that waited through that should still get its answer.
    status = latest ?? await readStatus()
  }
  const links = status.status === 'completed' ? artifactLinks(await latestArtifacts(api, topicId)) : []
  return success(status as unknown as Record<string, unknown>, links)
}

/** Runs one tool call; whatever goes wrong comes back as a tool error, never as a crash. */
export async function callTool (tool: CatalogueTool, args: Record<string, unknown>, context: CallContext): Promise<CallToolResult> {
  const issues = tool.validate(args)
  if (issues) return failure(errorEnvelope(validationFailure(issues, 'arguments'), context.requestId))
  try {
    const answer = await context.api.data(tool.request(args))
    if (tool.follows) return await statusOf(tool, args, answer, context)
    return success(asStructured(tool, answer))
  } catch (error) {
    if (error instanceof ApiFailure) return failure(error.envelope)
    if (error instanceof AppError) return failure(errorEnvelope(error, context.requestId))
    context.log.error({ err: error, tool: tool.name }, 'MCP tool failed')
    return failure(errorEnvelope(internalError(), context.requestId))
  }
}
