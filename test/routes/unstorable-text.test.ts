// test-database: postgres
import fc from 'fast-check'
import t from 'tap'
import { bearer, buildTestApp } from '../support/app.js'
import { planTopic, SAMPLE_PLAN } from '../support/generation.js'

/**
 * PostgreSQL text cannot hold NUL, and a lone UTF-16 surrogate is not text at all: either, in any
 * text input of any route, must give a 400 naming the field, on PGlite and on PostgreSQL alike
 * (TEST_DATABASE_URL), while any other text is stored as sent.
 */

type Part = 'body' | 'querystring'
interface Input {
  route: string
  part: Part
  field: string
  /** The request with this value in the field and valid values everywhere else. */
  request: (value: string) => { method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: Record<string, unknown> }
}

// The per-user caps would answer 429 long before a property has made its runs.
const app = await buildTestApp(t, { env: { PLAN_RATE_LIMIT_MAX: '1000000', GENERATE_RATE_LIMIT_MAX: '1000000', TEMPLATES_PER_USER: '1000000' } })
const user = 'unstorable-text'
const headers = bearer(user)
const { topic_id: topicId } = await planTopic(app, user)
const query = (path: string, field: string, value: string) => `${path}?${new URLSearchParams({ [field]: value })}`

const INPUTS: Input[] = [
  { route: 'POST /api/topics/plan', part: 'body', field: 'topic', request: (topic) => ({ method: 'POST', url: '/api/topics/plan', payload: { topic } }) },
  ...['topic', 'plan'].map((field): Input => ({
    route: 'POST /api/topics/generate',
    part: 'body',
    field,
    request: (value) => ({ method: 'POST', url: '/api/topics/generate', payload: { topic: '주제', plan: SAMPLE_PLAN, [field]: value } })
  })),
  ...['name', 'description', 'prompt_system'].map((field): Input => ({
    route: 'POST /api/templates',
    part: 'body',
    field,
    request: (value) => ({ method: 'POST', url: '/api/templates', payload: { name: '이름', prompt_system: '지침', [field]: value } })
  })),
  ...['page', 'page_size', 'q'].map((field): Input => ({
    route: 'GET /api/topics', part: 'querystring', field, request: (value) => ({ method: 'GET', url: query('/api/topics', field, value) })
  })),
  ...['page', 'page_size'].map((field): Input => ({
    route: 'GET /api/templates', part: 'querystring', field, request: (value) => ({ method: 'GET', url: query('/api/templates', field, value) })
  })),
  { route: 'PATCH /api/topics/{id}', part: 'body', field: 'topic', request: (topic) => ({ method: 'PATCH', url: `/api/topics/${topicId}`, payload: { topic } }) },
  { route: 'PUT /api/topics/{id}/plan', part: 'body', field: 'plan', request: (plan) => ({ method: 'PUT', url: `/api/topics/${topicId}/plan`, payload: { plan } }) },
  ...['access_token', 'last_event_id', 'include'].map((field): Input => ({
    route: 'GET /api/topics/{id}/status/stream',
    part: 'querystring',
    field,
    request: (value) => ({ method: 'GET', url: query(`/api/topics/${topicId}/status/stream`, field, value) })
  }))
]

t.test('the sweep covers every text input the API declares', async (t) => {
  interface Operation { parameters?: Array<{ in: string, name: string }>, requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> } }
  const document = (await app.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, Record<string, Operation>> }
  const declared: string[] = []
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const route = `${method.toUpperCase()} ${path}`
      for (const parameter of operation.parameters ?? []) if (parameter.in === 'query') declared.push(`${route} querystring ${parameter.name}`)
      const body = operation.requestBody?.content['application/json']?.schema
      for (const [name, schema] of Object.entries(body?.properties ?? {})) {
        if (JSON.stringify(schema).includes('"string"')) declared.push(`${route} body ${name}`)
      }
    }
  }
  const swept = INPUTS.map((input) => `${input.route} ${input.part} ${input.field}`)
  t.same(declared.filter((input) => !swept.includes(input)), [], 'no declared text input is left out')
})

const NUL = '\u0000'
const HIGH = '\uD83D'
const LOW = '\uDE00'
/** Any text of whole code points, astral ones (surrogate pairs) included. */
const text = fc.string({ unit: 'binary', maxLength: 30 })
const withOneOf = (...bad: string[]) => fc.tuple(text, fc.constantFrom(...bad), text).map((parts) => parts.join(''))
/**
 * A URL carries bytes, and a surrogate has no UTF-8 bytes: percent-encoded surrogate halves reach
 * a route as the literal text `%ED%A0%BD`. So only NUL can reach a query parameter; JSON, whose
 * `\uD83D` escapes can name a lone surrogate, carries both.
 */
const unstorable = { body: withOneOf(NUL, HIGH, LOW, `${LOW}${HIGH}`), querystring: withOneOf(NUL) }
const wellFormed = (value: string) => (value as string & { isWellFormed: () => boolean }).isWellFormed() && !value.includes(NUL)

t.test('NUL or a lone surrogate in any text input is a 400 naming the field', async (t) => {
  for (const input of INPUTS) {
    await fc.assert(fc.asyncProperty(unstorable[input.part], async (value) => {
      if (wellFormed(value)) throw new Error('the generator must only make unstorable text')
      const res = await app.inject({ ...input.request(value), headers })
      const body = res.json()
      return res.statusCode === 400 && body.error.code === 'VALIDATION_ERROR' &&
        body.error.message.startsWith(`${input.field} 필드에 저장할 수 없는 문자(NUL 문자나 짝이 맞지 않는 UTF-16 서로게이트)가 들어 있습니다.`) &&
        body.error.details[0].field === `${input.part}/${input.field}`
    }), { numRuns: 40 })
    t.pass(`${input.route} ${input.part} ${input.field}`)
  }
})

t.test('any other text is stored as sent, or refused for its content: never a 5xx', async (t) => {
  const storable = fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }).filter((value) => !value.includes(NUL))
  await fc.assert(fc.asyncProperty(storable, async (topic) => {
    const res = await app.inject({ method: 'POST', url: '/api/topics/plan', headers, payload: { topic } })
    if (res.statusCode === 400) return topic.trim() === ''
    const stored = await app.inject({ method: 'GET', url: `/api/topics/${res.json().data.topic_id}`, headers })
    return res.statusCode === 200 && stored.json().data.topic === topic.trim()
  }), { numRuns: 60 })

  await fc.assert(fc.asyncProperty(storable, storable, fc.option(storable), async (name, promptSystem, description) => {
    const payload = { name, prompt_system: promptSystem, ...(description === null ? {} : { description }) }
    const res = await app.inject({ method: 'POST', url: '/api/templates', headers, payload })
    if (res.statusCode === 400) return name.trim() === '' || promptSystem.trim() === ''
    const stored = await app.inject({ method: 'GET', url: `/api/templates/${res.json().data.id}`, headers })
    return res.statusCode === 201 &&
      stored.json().data.name === name.trim() && stored.json().data.prompt_system === promptSystem && stored.json().data.description === (description ?? '')
  }), { numRuns: 60 })
  t.pass('plans and templates keep any well-formed text')
})
