import { Server } from '@modelcontextprotocol/sdk/server/index.js'
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv'
import {
  CallToolRequestSchema, ErrorCode, ListResourcesRequestSchema, ListResourceTemplatesRequestSchema, ListToolsRequestSchema,
  McpError, ReadResourceRequestSchema
} from '@modelcontextprotocol/sdk/types.js'
import type { FastifyBaseLogger } from 'fastify'
import pkg from '../../package.json' with { type: 'json' }
import type { StatusStore } from '../../src/status/store.js'
import { ApiFailure, type ApiClient } from './api-client.js'
import { callTool } from './call-tool.js'
import { ARTIFACT_TEMPLATE, listArtifactResources, protocolError, readArtifact } from './resources.js'
import type { CatalogueTool } from './tools.js'

const INSTRUCTIONS = [
  'reportflow는 주제 하나로 한국어 비즈니스 보고서를 만들어 Markdown, HWPX(한글), DOCX(Word) 파일로 줍니다.',
  '순서: (1) 필요하면 list_templates로 템플릿을 고릅니다. (2) plan_report로 개요를 만들고 사용자에게 보여 주어 고칠 곳을 반영합니다.',
  '(3) generate_report에 topic, 고친 plan, topic_id를 넘깁니다. 진행률 알림이 오고, 끝나면 파일의 리소스 링크가 옵니다.',
  '(4) 아직 생성 중이면 get_report_status를 wait_seconds와 함께 부릅니다. (5) 리소스(reportflow://artifacts/{id})를 읽어 보고서를 받습니다.',
  '오류는 API와 같은 {success:false, error:{code, message}} JSON으로 옵니다.'
].join('\n')

/**
 * The SDK makes an Ajv instance (formats included) per server unless given one, and a server is
 * made per request here; it only validates what a client sends back to a server request, which
 * this server never makes, so one instance serves them all.
 */
const sharedValidator = new AjvJsonSchemaValidator()

export interface McpServerContext {
  catalogue: Map<string, CatalogueTool>
  api: ApiClient
  store: StatusStore
  holdStreamSlot: (topicId: number) => () => void
  requestId: string
  log: FastifyBaseLogger
}

async function asProtocolErrors<T> (work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    throw error instanceof ApiFailure ? protocolError(error) : error
  }
}

/**
 * The MCP server for one HTTP request of one authenticated user (stateless Streamable HTTP):
 * everything it does goes through that user's API client.
 */
export function createMcpServer ({ catalogue, api, store, holdStreamSlot, requestId, log }: McpServerContext): Server {
  const server = new Server(
    { name: 'reportflow', title: 'reportflow 보고서 생성', version: pkg.version },
    { capabilities: { tools: {}, resources: {} }, instructions: INSTRUCTIONS, jsonSchemaValidator: sharedValidator }
  )

  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: [...catalogue.values()].map((tool) => tool.definition) }))

  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const tool = catalogue.get(request.params.name)
    if (!tool) throw new McpError(ErrorCode.InvalidParams, `'${request.params.name}'라는 도구는 없습니다. tools/list에 있는 이름으로 다시 불러 주세요.`)
    return callTool(tool, { ...request.params.arguments }, {
      api,
      store,
      holdStreamSlot,
      requestId,
      log,
      progressToken: request.params._meta?.progressToken,
      signal: extra.signal,
      sendNotification: extra.sendNotification
    })
  })

  server.setRequestHandler(ListResourceTemplatesRequestSchema, () => ({ resourceTemplates: [ARTIFACT_TEMPLATE] }))
  server.setRequestHandler(ListResourcesRequestSchema, (request) =>
    asProtocolErrors(() => listArtifactResources(api, request.params?.cursor)))
  server.setRequestHandler(ReadResourceRequestSchema, (request) =>
    asProtocolErrors(() => readArtifact(api, request.params.uri)))

  return server
}
