/**
 * Builds the Postman collection and environment from the OpenAPI document: a folder that walks the
 * real flow (plan → generate → poll the status until completed → download) and, per tag, one
 * request per operation, each with tests (pm.test). Deterministic, so the committed files can be
 * compared with what the current document gives.
 */

interface Schema {
  $ref?: string
  [key: string]: unknown
}

interface Media {
  schema?: Schema
  example?: unknown
}

interface Parameter {
  in: 'path' | 'query' | 'header' | 'cookie'
  name: string
  required?: boolean
  description?: string
  schema?: Schema
}

interface Operation {
  summary?: string
  description?: string
  tags?: string[]
  parameters?: Parameter[]
  requestBody?: { content?: Record<string, Media> }
  responses?: Record<string, { description?: string, content?: Record<string, Media> }>
  security?: Array<Record<string, string[]>>
}

export interface OpenApiDocument {
  info: { title: string, version: string, description?: string }
  tags?: Array<{ name: string, description?: string }>
  paths: Record<string, Record<string, Operation>>
  components?: { schemas?: Record<string, Schema> }
}

interface Event { listen: 'test' | 'prerequest', script: { type: 'text/javascript', exec: string[] } }

interface Item {
  name: string
  description?: string
  request: {
    method: string
    url: { raw: string, host: string[], path: string[], query?: Array<{ key: string, value: string, disabled?: boolean, description?: string }> }
    header?: Array<{ key: string, value: string, disabled?: boolean, description?: string }>
    body?: { mode: 'raw', raw: string, options: { raw: { language: 'json' } } }
    auth?: { type: 'noauth' }
  }
  event: Event[]
}

interface Folder { name: string, description?: string, item: Item[] }

export const COLLECTION_FILE = 'reportflow.postman_collection.json'
export const ENVIRONMENT_FILE = 'reportflow.postman_environment.json'

const COLLECTION_SCHEMA = 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json'
const FLOW_FOLDER = 'Flow: plan → generate → status → download'
const POLL_REQUEST = 'Poll the status until completed'
const MAX_POLLS = 120
const POLL_INTERVAL_MS = 1000

/** Values the flow learns and the other requests use; templateId starts at the shared default template. */
const FLOW_VARIABLES = { topicId: '', artifactId: '', planJson: '""', templateId: '1', pollsLeft: String(MAX_POLLS) }

const tests = (...lines: string[]): Event => ({ listen: 'test', script: { type: 'text/javascript', exec: lines } })

/** `{id}` after `/topics` is `{{topicId}}`: the variable is named after the collection it indexes. */
function variableFor (segments: string[], index: number): string {
  const collection = segments[index - 1] ?? 'resource'
  return `${collection.replace(/s$/, '')}Id`
}

function url (path: string, query?: Item['request']['url']['query']): Item['request']['url'] {
  const segments = path.split('/').filter(Boolean)
  const withVariables = segments.map((segment, index) => /^\{.+\}$/.test(segment) ? `{{${variableFor(segments, index)}}}` : segment)
  const search = (query ?? []).filter((q) => !q.disabled).map((q) => `${q.key}=${q.value}`).join('&')
  return {
    raw: `{{baseUrl}}/${withVariables.join('/')}${search ? `?${search}` : ''}`,
    host: ['{{baseUrl}}'],
    path: withVariables,
    ...(query?.length ? { query } : {})
  }
}

/** A JSON body in which ids the flow has learnt are Postman variables (numbers, so unquoted). */
function jsonBody (value: Record<string, unknown>, variables: Record<string, string>) {
  const marked = Object.fromEntries(Object.entries(value).map(([key, field]) =>
    [key, key in variables ? `@@${variables[key]}@@` : field]))
  const raw = JSON.stringify(marked, null, 2).replace(/"@@(\w+)@@"/g, '{{$1}}')
  return { mode: 'raw' as const, raw, options: { raw: { language: 'json' as const } } }
}

/** The schema with every local $ref replaced by its component: Postman's validator sees one schema. */
function inline (schema: unknown, components: Record<string, Schema>): unknown {
  if (Array.isArray(schema)) return schema.map((item) => inline(item, components))
  if (schema === null || typeof schema !== 'object') return schema
  const ref = (schema as Schema).$ref
  if (typeof ref === 'string') {
    const name = ref.replace('#/components/schemas/', '')
    const target = components[name]
    if (!target) throw new Error(`Unresolvable $ref ${ref}`)
    return inline(target, components)
  }
  return Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, inline(value, components)]))
}

function operationTests (method: string, path: string, operation: Operation, components: Record<string, Schema>): Event {
  const [status, answer] = Object.entries(operation.responses ?? {}).find(([code]) => /^2\d\d$/.test(code)) ?? ['200', {}]
  const mediaTypes = Object.keys(answer.content ?? {})
  const lines = [`pm.test('answers ${status} as documented', () => pm.response.to.have.status(${status}))`]
  const json = answer.content?.['application/json']?.schema
  if (json) {
    lines.push(
      `const schema = ${JSON.stringify(inline(json, components))}`,
      "pm.test('the answer matches its documented schema', () => pm.response.to.have.jsonSchema(schema))"
    )
  } else if (mediaTypes.length > 0) {
    lines.push(
      `const documented = ${JSON.stringify(mediaTypes.map((type) => type.split(';')[0]))}`,
      "pm.test('the content type is a documented one', () => {",
      "  const type = (pm.response.headers.get('Content-Type') || '').split(';')[0]",
      '  pm.expect(documented).to.include(type)',
      '})'
    )
  }
  // A created resource becomes the one the following requests of its collection use.
  const collection = path.split('/').filter(Boolean).at(-1)
  if (method === 'post' && status === '201' && collection && !collection.startsWith('{')) {
    lines.push(`if (pm.response.code === 201) pm.collectionVariables.set('${collection.replace(/s$/, '')}Id', String(pm.response.json().data.id))`)
  }
  return tests(...lines)
}

function operationItem (method: string, path: string, operation: Operation, components: Record<string, Schema>): Item {
  const parameters = operation.parameters ?? []
  const query = parameters.filter((p) => p.in === 'query').map((p) => ({
    key: p.name,
    value: p.schema?.default === undefined ? '' : String(p.schema.default),
    // Only what must be sent is on; the rest is there to switch on.
    ...(p.required ? {} : { disabled: true }),
    ...(p.description ? { description: p.description } : {})
  }))
  const header = parameters.filter((p) => p.in === 'header').map((p) => ({
    key: p.name,
    value: '',
    ...(p.required ? {} : { disabled: true }),
    ...(p.description ? { description: p.description } : {})
  }))
  const example = operation.requestBody?.content?.['application/json']?.example
  return {
    name: operation.summary ?? `${method.toUpperCase()} ${path}`,
    ...(operation.description ? { description: operation.description } : {}),
    request: {
      method: method.toUpperCase(),
      url: url(path, query),
      ...(header.length ? { header } : {}),
      ...(example && typeof example === 'object'
        ? { header: [...header, { key: 'Content-Type', value: 'application/json' }], body: jsonBody(example as Record<string, unknown>, { topic_id: 'topicId' }) }
        : {}),
      ...(operation.security?.length === 0 ? { auth: { type: 'noauth' as const } } : {})
    },
    event: [operationTests(method, path, operation, components)]
  }
}

function flowFolder (document: OpenApiDocument): Folder {
  const planExample = document.paths['/api/topics/plan']?.post?.requestBody?.content?.['application/json']?.example
  const generateExample = document.paths['/api/topics/generate']?.post?.requestBody?.content?.['application/json']?.example
  if (!planExample || !generateExample) throw new Error('The document has no request examples for /api/topics/plan and /api/topics/generate')
  const json = { header: [{ key: 'Content-Type', value: 'application/json' }] }
  return {
    name: FLOW_FOLDER,
    description: 'What a client does: plan a report, start writing it, poll until it is done, download the HWPX. Run this folder first; the other folders use the topic and artifact it makes.',
    item: [
      {
        name: 'Plan the report',
        request: { method: 'POST', url: url('/api/topics/plan'), ...json, body: jsonBody(planExample as Record<string, unknown>, {}) },
        event: [tests(
          "pm.test('answers 200 with an outline', () => pm.response.to.have.status(200))",
          "pm.test('answers within 2 seconds', () => pm.expect(pm.response.responseTime).to.be.below(2000))",
          'const answer = pm.response.json().data',
          "pm.test('the outline has ordered sections', () => {",
          '  pm.expect(answer.sections).to.be.an(\'array\').that.is.not.empty',
          '  pm.expect(answer.sections.map((s) => s.order)).to.eql(answer.sections.map((_, i) => i + 1))',
          '  pm.expect(answer.estimated_sections_count).to.equal(answer.sections.length)',
          '})',
          "pm.collectionVariables.set('topicId', String(answer.topic_id))",
          "pm.collectionVariables.set('planJson', JSON.stringify(answer.plan))",
          `pm.collectionVariables.set('pollsLeft', '${MAX_POLLS}')`
        )]
      },
      {
        name: 'Start the generation with the plan',
        request: {
          method: 'POST',
          url: url('/api/topics/generate'),
          ...json,
          body: jsonBody(generateExample as Record<string, unknown>, { topic_id: 'topicId', plan: 'planJson' })
        },
        event: [tests(
          "pm.test('answers 202 at once', () => pm.response.to.have.status(202))",
          "pm.test('answers within 1 second', () => pm.expect(pm.response.responseTime).to.be.below(1000))",
          'const answer = pm.response.json().data',
          "pm.test('the generation is running for this topic', () => {",
          "  pm.expect(answer.status).to.equal('generating')",
          "  pm.expect(answer.topic_id).to.equal(Number(pm.collectionVariables.get('topicId')))",
          "  pm.expect(answer.status_check_url).to.equal('/api/topics/' + answer.topic_id + '/status')",
          '})'
        )]
      },
      {
        name: POLL_REQUEST,
        request: { method: 'GET', url: url('/api/topics/{id}/status') },
        event: [tests(
          "pm.test('answers 200', () => pm.response.to.have.status(200))",
          'const answer = pm.response.json().data',
          "pm.test('the status is generating or completed', () => pm.expect(answer.status).to.be.oneOf(['generating', 'completed']))",
          "const pollsLeft = Number(pm.collectionVariables.get('pollsLeft')) - 1",
          "pm.collectionVariables.set('pollsLeft', String(pollsLeft))",
          "if (answer.status === 'generating') {",
          `  pm.test('finishes within ${MAX_POLLS} polls', () => pm.expect(pollsLeft).to.be.above(0))`,
          `  if (pollsLeft > 0) { postman.setNextRequest('${POLL_REQUEST}'); setTimeout(() => {}, ${POLL_INTERVAL_MS}) }`,
          "} else if (answer.status === 'completed') {",
          "  pm.test('completed at 100 % with an artifact', () => {",
          '    pm.expect(answer.progress_percent).to.equal(100)',
          "    pm.expect(answer.artifact_id).to.be.a('number')",
          '  })',
          "  pm.collectionVariables.set('artifactId', String(answer.artifact_id))",
          '} else {',
          '  postman.setNextRequest(null)',
          '}'
        )]
      },
      {
        name: 'Download the HWPX',
        request: { method: 'GET', url: url('/api/artifacts/{id}/download') },
        event: [tests(
          "pm.test('answers 200', () => pm.response.to.have.status(200))",
          "pm.test('is an HWPX attachment', () => {",
          "  pm.expect(pm.response.headers.get('Content-Type')).to.equal('application/hwp+zip')",
          "  pm.expect(pm.response.headers.get('Content-Disposition')).to.match(/^attachment; filename=.*\\.hwpx/)",
          "  pm.expect(pm.response.headers.get('ETag')).to.match(/^\"[0-9a-f]{64}\"$/)",
          '})',
          "pm.test('the body is a ZIP package', () => pm.expect(pm.response.stream.subarray(0, 2).toString('latin1')).to.equal('PK'))"
        )]
      }
    ]
  }
}

export function buildPostmanCollection (document: OpenApiDocument) {
  const components = document.components?.schemas ?? {}
  const byTag = new Map<string, Item[]>((document.tags ?? []).map((tag) => [tag.name, []]))
  const deletions: Item[] = []
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const item = operationItem(method, path, operation, components)
      // Deleting what the flow made would leave the requests after it nothing to ask about.
      if (method === 'delete') {
        deletions.push(item)
        continue
      }
      const tag = operation.tags?.[0] ?? 'other'
      if (!byTag.has(tag)) byTag.set(tag, [])
      byTag.get(tag)!.push(item)
    }
  }
  const descriptions = new Map((document.tags ?? []).map((tag) => [tag.name, tag.description]))
  const folders: Folder[] = [...byTag].filter(([, items]) => items.length > 0).map(([name, items]) => ({
    name,
    ...(descriptions.get(name) ? { description: descriptions.get(name) } : {}),
    item: items
  }))
  if (deletions.length > 0) folders.push({ name: 'cleanup', description: 'The deleting requests, last: they remove what the flow made.', item: deletions })

  return {
    info: {
      name: document.info.title,
      description: `${document.info.description ?? ''}\n\nGenerated by \`npm run postman\` from the OpenAPI document ${document.info.version}. ` +
        'Set `baseUrl` and `token` in the environment; run the flow folder first.',
      schema: COLLECTION_SCHEMA
    },
    auth: { type: 'bearer', bearer: [{ key: 'token', value: '{{token}}', type: 'string' }] },
    variable: Object.entries(FLOW_VARIABLES).map(([key, value]) => ({ key, value })),
    item: [flowFolder(document), ...folders]
  }
}

export function buildPostmanEnvironment (document: OpenApiDocument) {
  return {
    name: `${document.info.title} (local)`,
    values: [
      { key: 'baseUrl', value: 'http://127.0.0.1:3000', type: 'default', enabled: true },
      { key: 'token', value: '', type: 'secret', enabled: true }
    ],
    _postman_variable_scope: 'environment'
  }
}
