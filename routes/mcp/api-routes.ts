import type { RouteOptions } from 'fastify'

export interface JsonSchema {
  type?: string
  properties?: Record<string, JsonSchema>
  required?: string[]
  additionalProperties?: boolean | JsonSchema
  [keyword: string]: unknown
}

/** What the MCP layer needs to know about one API route: its schemas, as the route declares them. */
export interface ApiRoute {
  method: string
  url: string
  params?: JsonSchema
  querystring?: JsonSchema
  body?: JsonSchema
  /** The `data` of its success answer (the route's 2xx schema is our `{success, data}` envelope). */
  data?: JsonSchema
}

const SUCCESS_CODES = ['200', '201', '202']

/**
 * Collects the API routes as they are registered (an onRoute hook), so every MCP tool takes its
 * argument and result schemas from the route it speaks for: a change to a route's schema reaches
 * the tool without a second copy to keep in step.
 */
export class ApiRoutes {
  readonly #routes = new Map<string, ApiRoute>()

  record (route: RouteOptions): void {
    if (!route.url.startsWith('/api/')) return
    const schema = (route.schema ?? {}) as Record<string, unknown>
    const responses = (schema.response ?? {}) as Record<string, JsonSchema | undefined>
    const success = SUCCESS_CODES.map((code) => responses[code]).find((answer) => answer !== undefined)
    for (const method of [route.method].flat()) {
      this.#routes.set(`${method} ${route.url}`, {
        method,
        url: route.url,
        params: schema.params as JsonSchema | undefined,
        querystring: schema.querystring as JsonSchema | undefined,
        body: schema.body as JsonSchema | undefined,
        data: success?.properties?.data
      })
    }
  }

  /** `operation` is "METHOD /url", e.g. "POST /api/topics/plan". */
  find (operation: string): ApiRoute | undefined {
    return this.#routes.get(operation)
  }
}

/**
 * A schema as plain JSON for MCP clients: TypeBox's symbol keys are dropped, and so are `$id`s,
 * which clients compile into one shared validator where the same id twice is an error.
 */
export function plainSchema (schema: JsonSchema): JsonSchema {
  return JSON.parse(JSON.stringify(schema), (key, value) => key === '$id' ? undefined : value)
}
