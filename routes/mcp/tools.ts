import type { Tool, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js'
import type { FastifySchemaCompiler } from 'fastify'
import type { ValidationIssue } from '../../plugins/errors.js'
import { plainSchema, type ApiRoute, type ApiRoutes, type JsonSchema } from './api-routes.js'
import type { ApiRequest } from './api-client.js'

interface ToolDeclaration {
  name: string
  title: string
  description: string
  /** The API operation the tool performs, as "METHOD /path". */
  operation: string
  /** Path parameters, under the names the tool's arguments give them. */
  pathArguments?: Record<string, { argument: string, description: string }>
  /** The tool can wait for the generation (`wait_seconds`) and answers with the topic's status. */
  follows?: { defaultWaitSeconds: number }
  /** Offered only when the API has the operation. */
  optional?: boolean
  annotations: ToolAnnotations
}

const STATUS_OPERATION = 'GET /api/topics/:id/status'
const MAX_WAIT_SECONDS = 600
const TOPIC_ID = { argument: 'topic_id', description: '보고서 주제 ID (plan_report 또는 generate_report가 돌려준 topic_id)' }

const DECLARATIONS: ToolDeclaration[] = [
  {
    name: 'list_templates',
    title: '보고서 템플릿 목록',
    description: '쓸 수 있는 보고서 템플릿(모두가 쓰는 공유 템플릿과 내 템플릿)을 보여 줍니다. ' +
      '템플릿의 지침(prompt_system)이 계획과 보고서의 구성을 정합니다. id를 plan_report와 generate_report의 template_id로 넘기세요.',
    operation: 'GET /api/templates',
    annotations: { readOnlyHint: true, openWorldHint: false }
  },
  {
    name: 'plan_report',
    title: '보고서 계획 수립',
    description: '주제로 보고서의 개요를 2초 안에 만듭니다: 제목과 순서가 있는 섹션들(plan 마크다운과 sections). ' +
      '사용자에게 계획을 보여 주고 고칠 곳을 반영한 뒤, topic_id와 plan을 generate_report에 넘기세요. ' +
      '사용자마다 일정 시간당 횟수 제한이 있고, API의 계획 수립과 한도를 함께 씁니다.',
    operation: 'POST /api/topics/plan',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true }
  },
  {
    name: 'generate_report',
    title: '보고서 생성',
    description: '승인된 계획(plan 마크다운)으로 보고서를 씁니다: Claude가 본문을 쓰고 Markdown, HWPX(한글), DOCX(Word) 파일로 저장합니다. ' +
      '생성은 서버에서 계속되고, 이 도구는 wait_seconds 동안 완료를 기다리며 진행률 알림을 보냅니다(요청에 progressToken이 있을 때). ' +
      '완료되면 파일들이 리소스 링크로 함께 옵니다. 그 안에 끝나지 않으면 status가 "generating"인 채로 답하니, ' +
      'get_report_status를 wait_seconds와 함께 다시 부르세요. 이미 생성 중인 주제면 CONFLICT 오류입니다.',
    operation: 'POST /api/topics/generate',
    follows: { defaultWaitSeconds: 50 },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true }
  },
  {
    name: 'get_report_status',
    title: '보고서 생성 상태',
    description: '보고서 생성의 진행 상태(status, progress_percent, current_step, estimated_completion, 완료 시 artifact_id 또는 실패 시 error_message). ' +
      'wait_seconds를 주면 완료되거나 그 시간이 지날 때까지 기다리며 진행률 알림을 보냅니다. 완료된 보고서의 파일은 리소스 링크로 함께 옵니다.',
    operation: STATUS_OPERATION,
    pathArguments: { id: TOPIC_ID },
    follows: { defaultWaitSeconds: 0 },
    annotations: { readOnlyHint: true, openWorldHint: false }
  },
  {
    name: 'cancel_report',
    title: '보고서 생성 취소',
    description: '진행 중인 보고서 생성을 멈춥니다. 이미 저장된 이전 판의 파일은 그대로 남습니다.',
    operation: 'POST /api/topics/:id/cancel',
    pathArguments: { id: TOPIC_ID },
    optional: true,
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false }
  },
  {
    name: 'list_reports',
    title: '내 보고서 목록',
    description: '내 보고서 주제들을 최신순으로, 페이지 단위로 보여 줍니다(상태와 섹션 수 포함). 완료된 보고서의 파일은 리소스 목록에도 있습니다.',
    operation: 'GET /api/topics',
    annotations: { readOnlyHint: true, openWorldHint: false }
  }
]

const waitSeconds = (defaultSeconds: number): JsonSchema => ({
  type: 'integer',
  minimum: 0,
  maximum: MAX_WAIT_SECONDS,
  default: defaultSeconds,
  description: `완료를 기다릴 최대 시간(초, 0–${MAX_WAIT_SECONDS}). 0이면 기다리지 않고 지금 상태를 답합니다. 기다리는 동안 생성이 끝나면 바로 답합니다.`
})

/** A tool's structured result must be an object: a bare list answer goes under `items`, as the paged lists have it. */
const LIST_KEY = 'items'

export interface CatalogueTool {
  name: string
  definition: Tool
  follows: boolean
  /** Its API answer is the status itself (rather than the start of a generation). */
  readsStatus: boolean
  /** Its API answer is a bare list, to be put under LIST_KEY. */
  wrapsList: boolean
  /** Checks the arguments as the API checks a body (strict types) and fills in defaults; issues when invalid. */
  validate: (args: Record<string, unknown>) => ValidationIssue[] | undefined
  /** The API request for valid arguments. */
  request: (args: Record<string, unknown>) => ApiRequest
}

const isObjectSchema = (schema: JsonSchema | undefined): schema is JsonSchema & { properties: Record<string, JsonSchema> } =>
  schema?.type === 'object' && typeof schema.properties === 'object'

function objectPart (route: ApiRoute, part: 'querystring' | 'body') {
  const schema = route[part]
  if (schema === undefined) return undefined
  if (!isObjectSchema(schema)) throw new Error(`MCP: the ${part} of ${route.method} ${route.url} is not an object schema`)
  return schema
}

/** One object schema for all the tool's arguments: path parameters, query, body and its own. */
function inputSchema (declaration: ToolDeclaration, route: ApiRoute): JsonSchema {
  const properties: Record<string, JsonSchema> = {}
  const required: string[] = []
  for (const [param, { argument, description }] of Object.entries(declaration.pathArguments ?? {})) {
    const schema = route.params?.properties?.[param]
    if (!schema) throw new Error(`MCP: ${declaration.operation} has no path parameter "${param}"`)
    properties[argument] = { ...schema, description }
    required.push(argument)
  }
  for (const part of [objectPart(route, 'querystring'), objectPart(route, 'body')]) {
    if (!part) continue
    Object.assign(properties, part.properties)
    required.push(...part.required ?? [])
  }
  if (declaration.follows) properties.wait_seconds = waitSeconds(declaration.follows.defaultWaitSeconds)
  // Unknown arguments are refused rather than ignored: a misspelt one would otherwise pass unnoticed.
  return { type: 'object', properties, required: [...new Set(required)], additionalProperties: false }
}

function outputSchema (declaration: ToolDeclaration, route: ApiRoute, statusRoute: ApiRoute): JsonSchema {
  const data = declaration.follows ? statusRoute.data : route.data
  if (!data) throw new Error(`MCP: ${declaration.operation} declares no success answer`)
  if (data.type === 'array') return { type: 'object', properties: { [LIST_KEY]: data }, required: [LIST_KEY] }
  if (data.type !== 'object') throw new Error(`MCP: the answer of ${declaration.operation} is neither an object nor a list`)
  return data
}

export const asStructured = (tool: CatalogueTool, answer: unknown) =>
  (tool.wrapsList ? { [LIST_KEY]: answer } : answer) as Record<string, unknown>

function requestFor (declaration: ToolDeclaration, route: ApiRoute) {
  const pathArguments = Object.entries(declaration.pathArguments ?? {})
  const queryKeys = Object.keys(objectPart(route, 'querystring')?.properties ?? {})
  const bodyKeys = route.body ? Object.keys(objectPart(route, 'body')!.properties) : undefined
  return (args: Record<string, unknown>): ApiRequest => {
    const url = pathArguments.reduce((path, [param, { argument }]) => path.replace(`:${param}`, String(args[argument])), route.url)
    const query = Object.fromEntries(queryKeys.filter((key) => args[key] !== undefined).map((key) => [key, String(args[key])]))
    const payload = bodyKeys && Object.fromEntries(bodyKeys.filter((key) => args[key] !== undefined).map((key) => [key, args[key]]))
    return { method: route.method as ApiRequest['method'], url, query, payload }
  }
}

/**
 * The tools, built from the API routes they perform once every route is registered. A missing
 * route stops the start (the catalogue and the API have drifted apart), unless the tool is
 * optional, in which case it is not offered.
 */
export function buildCatalogue (routes: ApiRoutes, compile: FastifySchemaCompiler<unknown>): Map<string, CatalogueTool> {
  const statusRoute = routes.find(STATUS_OPERATION)
  if (!statusRoute) throw new Error(`MCP: the API has no ${STATUS_OPERATION}`)
  const catalogue = new Map<string, CatalogueTool>()
  for (const declaration of DECLARATIONS) {
    const route = routes.find(declaration.operation)
    if (!route) {
      if (declaration.optional) continue
      throw new Error(`MCP: tool ${declaration.name} needs ${declaration.operation}, which the API does not have`)
    }
    const input = plainSchema(inputSchema(declaration, route))
    const validator = compile({ schema: input, method: 'POST', url: '/mcp', httpPart: 'body' })
    const output = plainSchema(outputSchema(declaration, route, statusRoute))
    catalogue.set(declaration.name, {
      name: declaration.name,
      definition: {
        name: declaration.name,
        title: declaration.title,
        description: declaration.description,
        inputSchema: input as Tool['inputSchema'],
        outputSchema: output as Tool['outputSchema'],
        annotations: { title: declaration.title, ...declaration.annotations }
      },
      follows: declaration.follows !== undefined,
      readsStatus: declaration.operation === STATUS_OPERATION,
      wrapsList: !declaration.follows && route.data?.type === 'array',
      validate: (args) => validator(args) === true ? undefined : (validator.errors ?? []) as ValidationIssue[],
      request: requestFor(declaration, route)
    })
  }
  return catalogue
}
