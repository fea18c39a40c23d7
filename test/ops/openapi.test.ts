// test-database: postgres
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Validator } from '@seriousme/openapi-schema-validator'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import t, { type Test } from 'tap'
import { ANSWER_EXAMPLES } from '../../src/schemas/examples.js'
import { buildTestApp } from '../support/app.js'
import { publicPageRoutes, registeredRoutes } from './support/routes.js'

interface Media { schema?: Record<string, unknown>, example?: unknown, examples?: Record<string, { value: unknown }> }
interface Operation {
  security?: Array<Record<string, string[]>>
  parameters?: Array<{ in: string, name: string, required?: boolean }>
  requestBody?: { content: Record<string, Media> }
  responses: Record<string, { description: string, content?: Record<string, Media> }>
}
interface Document {
  openapi: string
  security: Array<Record<string, string[]>>
  paths: Record<string, Record<string, Operation>>
  components: { schemas: Record<string, unknown>, securitySchemes: Record<string, unknown> }
  tags: Array<{ name: string, description: string }>
}

const PUBLIC_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../public')

const operations = (document: Document) => Object.entries(document.paths).flatMap(([route, byMethod]) =>
  Object.entries(byMethod).map(([method, operation]) => ({ key: `${method.toUpperCase()} ${route}`, route, operation })))

async function fetchDocument (t: Test) {
  // With METRICS_TOKEN, so /metrics (off by default) is served and documented too.
  const app = await buildTestApp(t, { env: { METRICS_TOKEN: 'scraper-token-for-the-tests' } })
  const res = await app.inject({ method: 'GET', url: '/docs/json' })
  t.equal(res.statusCode, 200, '/docs/json needs no token')
  return { app, document: res.json() as Document }
}

t.test('/docs/json is a valid OpenAPI 3.1 document whose references all resolve', async (t) => {
  const { document } = await fetchDocument(t)
  const validator = new Validator()
  const result = await validator.validate(structuredClone(document) as unknown as Record<string, unknown>)
  t.same(result.errors, undefined, 'no schema errors')
  t.ok(result.valid)
  t.equal(validator.version, '3.1')
  t.doesNotThrow(() => validator.resolveRefs(), 'every $ref resolves')
  t.match(document.tags.find((tag) => tag.name === 'artifacts'), { description: /Markdown.*HWPX.*DOCX/ }, 'the artifacts tag names every saved format')
  t.ok(document.components.schemas.ErrorEnvelope, 'the error envelope is a component')
})

t.test('every registered route is documented, and nothing else', async (t) => {
  const { app, document } = await fetchDocument(t)
  const undocumented = new Set([
    ...publicPageRoutes(PUBLIC_DIR),
    // The documentation itself.
    ...registeredRoutes(app).filter((route) => / \/docs(\/|$)/.test(route)),
    // JSON-RPC, described by its own tools/list (README: MCP server), not by OpenAPI operations.
    ...registeredRoutes(app).filter((route) => / \/mcp$/.test(route))
  ])
  const served = registeredRoutes(app).filter((route) => !undocumented.has(route))
  const documented = operations(document).map(({ key }) => key.replace(/\{(\w+)\}/g, ':$1')).sort()
  t.same(documented, served)
  t.ok(served.includes('POST /api/topics/plan') && served.includes('GET /metrics'), 'the list is real')
})

t.test('bearer auth on /api, METRICS_TOKEN on metrics, none on health and readiness; the stream also takes ?access_token=', async (t) => {
  const { document } = await fetchDocument(t)
  t.same(document.components.securitySchemes.bearerAuth, { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
  t.same(document.security, [{ bearerAuth: [] }], 'global')
  for (const { key, route, operation } of operations(document)) {
    if (route.startsWith('/api/')) {
      t.not(operation.security?.length, 0, `${key} is not open`)
      t.ok(operation.responses['401'], `${key} documents 401`)
    } else if (route === '/metrics') {
      t.same(operation.security, [{ metricsToken: [] }], `${key} needs METRICS_TOKEN`)
      t.ok(operation.responses['401'], `${key} documents 401`)
    } else {
      t.same(operation.security, [], `${key} needs no token`)
    }
  }
  for (const route of ['/api/topics/{id}/status/stream', '/api/topics/{id}/plan/stream']) {
    t.same(document.paths[route]!.get!.security, [{ bearerAuth: [] }, { accessToken: [] }], `${route} takes ?access_token=`)
  }
  t.match(document.components.securitySchemes.accessToken, { description: /the status and plan streams/ }, 'and the scheme says so')
})

t.test('every route that takes a body documents the 413 of one past BODY_LIMIT_BYTES', async (t) => {
  const { document } = await fetchDocument(t)
  const withBody = operations(document).filter(({ operation }) => operation.requestBody)
  t.ok(withBody.length >= 5, 'the list is real')
  for (const { key, operation } of withBody) t.ok(operation.responses['413'], `${key} documents 413`)
})

t.test('error answers are the shared envelope; the stream and downloads document their media types', async (t) => {
  const { document } = await fetchDocument(t)
  for (const { key, operation } of operations(document)) {
    for (const [code, answer] of Object.entries(operation.responses)) {
      if (Number(code) >= 400) {
        t.same(answer.content, { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' }, ...pickExamples(answer.content) } },
          `${key} ${code} is the envelope`)
      }
      t.not(answer.description, 'Default Response', `${key} ${code} is described`)
    }
  }
  t.ok(document.paths['/api/topics/{id}/status/stream']!.get!.responses['200']!.content!['text/event-stream'])
  const download = document.paths['/api/artifacts/{id}/download']!.get!.responses['200']!.content!
  t.same(download['application/hwp+zip'], { schema: { type: 'string', format: 'binary' } })
  t.ok(download['text/markdown'])
  t.match(document.paths['/metrics']!.get!.responses['200']!.content, { 'text/plain': {} })
  const topics = document.paths['/api/topics']!.get!
  t.same(topics.parameters!.map((p) => [p.name, p.required]), [['page', false], ['page_size', false], ['q', false]], 'parameters with defaults are optional')
})

function pickExamples (content: Record<string, Media> | undefined) {
  const examples = content?.['application/json']?.examples
  return examples ? { examples } : {}
}

t.test('the seed examples are in the document and each is valid against its schema', async (t) => {
  const { document } = await fetchDocument(t)
  const ajv = new Ajv2020({ strict: false, allErrors: true })
  addFormats.default(ajv)
  const check = (label: string, schema: Record<string, unknown> | undefined, value: unknown) => {
    // The components ride along so that "#/components/..." references resolve from the root.
    const validate = ajv.compile({ ...schema, components: document.components })
    t.ok(validate(value), `${label}: ${ajv.errorsText(validate.errors)}`)
  }

  let answers = 0
  for (const [key, byStatus] of Object.entries(ANSWER_EXAMPLES)) {
    const [method, route] = key.split(' ') as [string, string]
    for (const [code, examples] of Object.entries(byStatus)) {
      const media = document.paths[route]![method.toLowerCase()]!.responses[code]!.content!['application/json']!
      t.same(Object.keys(media.examples ?? {}), Object.keys(examples), `${key} ${code} carries its examples`)
      for (const [name, example] of Object.entries(media.examples ?? {})) {
        check(`${key} ${code} ${name}`, media.schema, example.value)
        answers++
      }
    }
  }
  t.ok(answers >= 8, `${answers} answer examples`)

  let requests = 0
  for (const { key, operation } of operations(document)) {
    const media = operation.requestBody?.content['application/json']
    if (!media) continue
    t.ok(media.example, `${key} has a request example`)
    check(`${key} request`, media.schema, media.example)
    requests++
  }
  t.equal(requests, 5, 'plan, saving an edited plan, generate, template creation and renaming a topic')
  t.same(document.paths['/api/topics/plan']!.post!.requestBody!.content['application/json']!.example,
    { topic: '2026 디지털뱅킹 트렌드 분석', template_id: 1 })
})

t.test('/docs serves Swagger UI under a Content-Security-Policy that its files satisfy', async (t) => {
  const app = await buildTestApp(t)
  const page = await app.inject({ method: 'GET', url: '/docs' })
  t.equal(page.statusCode, 200)
  t.match(page.headers['content-type'], /^text\/html/)
  const policy = String(page.headers['content-security-policy'])
  t.match(policy, /script-src 'self'(;|$)/, 'only our own scripts')
  t.notMatch(policy, /upgrade-insecure-requests/, 'works over plain http')
  const scripts = [...page.body.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)]
  t.ok(scripts.length > 0)
  for (const [, attributes, body] of scripts) {
    t.match(attributes, /\bsrc="/, 'no inline script')
    t.equal(body!.trim(), '')
    const src = /\bsrc="([^"]+)"/.exec(attributes!)![1]!
    const asset = await app.inject({ method: 'GET', url: new URL(src, 'http://x/docs/').pathname })
    t.equal(asset.statusCode, 200, `${src} loads`)
    t.match(asset.headers['content-type'], /javascript/)
  }
  t.notMatch(page.body, /\son[a-z]+=/i, 'no inline event handlers')
})
