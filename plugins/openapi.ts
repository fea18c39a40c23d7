import { STATUS_CODES } from 'node:http'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import pkg from '../package.json' with { type: 'json' }
import { addExamples } from '../src/schemas/examples.js'

const DOCS_PREFIX = '/docs'

/**
 * Swagger UI loads only its own files and the document, so it runs without inline script. Its
 * own default policy ends in upgrade-insecure-requests, which breaks every request of a page
 * served over plain http (a container port, a proxy that terminates nothing): not used.
 */
const DOCS_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // The UI sets style attributes from script.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'"
].join('; ')

interface Answer { description?: string, content?: Record<string, { schema?: { $ref?: string } }> }
interface Parameter { required?: boolean, schema?: { default?: unknown } }
interface Document {
  paths?: Record<string, Record<string, { parameters?: Parameter[], responses?: Record<string, Answer> }> | undefined>
}

const operationsOf = (document: Document) =>
  Object.values(document.paths ?? {}).flatMap((operations) => Object.values(operations ?? {}))

/** A query parameter with a default need not be sent, though its TypeBox property is not Optional. */
function defaultsAreOptional<D extends Document> (document: D): D {
  for (const operation of operationsOf(document)) {
    for (const parameter of operation.parameters ?? []) {
      if (parameter.schema?.default !== undefined) parameter.required = false
    }
  }
  return document
}

/**
 * @fastify/swagger calls an answer without a description "Default Response", and every error answer
 * takes the envelope's description: the status text tells a reader more.
 */
function describeAnswers<D extends Document> (document: D): D {
  for (const operation of operationsOf(document)) {
    for (const [code, answer] of Object.entries(operation.responses ?? {})) {
      const statusText = STATUS_CODES[code] ?? code
      if (answer.content?.['application/json']?.schema?.$ref === '#/components/schemas/ErrorEnvelope') {
        answer.description = `${statusText} (the error envelope)`
      } else if (answer.description === 'Default Response') {
        answer.description = statusText
      }
    }
  }
  return document
}

/**
 * The OpenAPI 3.1 document, built by @fastify/swagger from the routes' TypeBox schemas (3.1 because
 * its schemas are JSON Schema 2020-12, which TypeBox writes: `const`, `type: "null"`, `examples`),
 * at /docs/json, and Swagger UI at /docs. Registered before the routes, whose onRoute it hooks.
 */
export default fp(async function openapi (app: FastifyInstance) {
  if (!app.config.docsEnabled) return

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'reportflow',
        version: pkg.version,
        description: pkg.description + ' Every `/api` route needs `Authorization: Bearer <JWT>` (HS256, user id in `sub`).'
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          accessToken: {
            type: 'apiKey',
            in: 'query',
            name: 'access_token',
            description: 'The same token, for EventSource clients, which cannot send headers (the status and plan streams)'
          },
          metricsToken: { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN, for GET /metrics' }
        }
      },
      security: [{ bearerAuth: [] }],
      tags: [
        { name: 'topics', description: 'Plan a report, generate it in the background, follow its progress' },
        { name: 'artifacts', description: 'The saved reports: Markdown, HWPX and DOCX' },
        { name: 'templates', description: 'Report templates whose guide shapes the plan and the report' },
        { name: 'operations', description: 'Health and readiness (no token) and metrics (METRICS_TOKEN)' }
      ]
    },
    // Shared schemas ($id, e.g. ErrorEnvelope) become components under their own names.
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => typeof json.$id === 'string' ? json.$id : `def-${i}`
    },
    transform: ({ schema, url, route }) => {
      const security: Array<Record<string, string[]>> | undefined = !url.startsWith('/api/')
        ? (schema as { security?: Array<Record<string, string[]>> }).security ?? []
        : route.config?.acceptsQueryToken ? [{ bearerAuth: [] }, { accessToken: [] }] : undefined
      return { schema: security ? { ...schema, security } : schema, url }
    },
    transformObject: (document) => 'openapiObject' in document
      ? defaultsAreOptional(describeAnswers(addExamples(document.openapiObject as Document)))
      : document.swaggerObject
  })

  await app.register(swaggerUi, {
    routePrefix: DOCS_PREFIX,
    staticCSP: DOCS_CONTENT_SECURITY_POLICY,
    // The public validator would receive the document and show a badge from another origin.
    uiConfig: { validatorUrl: null }
  })
}, { name: 'openapi', dependencies: ['config'] })
