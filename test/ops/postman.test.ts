// test-database: postgres
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import newman, { type NewmanRunSummary } from 'newman'
import t from 'tap'
import {
  buildPostmanCollection, buildPostmanEnvironment, COLLECTION_FILE, ENVIRONMENT_FILE, type OpenApiDocument
} from '../../scripts/postman-collection.js'
import { signUserToken } from '../../src/auth.js'
import { buildTestApp, listenOnLoopback, TEST_JWT_SECRET } from '../support/app.js'
import { anthropicEnv, startFakeAnthropic } from '../support/fake-anthropic.js'

const POSTMAN_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../postman')
const readJson = (file: string) => JSON.parse(fs.readFileSync(path.join(POSTMAN_DIR, file), 'utf8')) as Record<string, unknown>

const runNewman = (options: newman.NewmanRunOptions) => new Promise<NewmanRunSummary>((resolve, reject) => {
  newman.run(options, (error, summary) => error ? reject(error) : resolve(summary))
})

t.test('the committed collection and environment are what `npm run postman` makes from the current document', async (t) => {
  const app = await buildTestApp(t)
  const document = app.swagger() as unknown as OpenApiDocument
  t.same(readJson(COLLECTION_FILE), buildPostmanCollection(document), `postman/${COLLECTION_FILE} is stale: run npm run postman`)
  t.same(readJson(ENVIRONMENT_FILE), buildPostmanEnvironment(document), `postman/${ENVIRONMENT_FILE} is stale: run npm run postman`)
})

t.test('newman runs the whole collection against a live server on the fake Claude without a failure', async (t) => {
  const fake = await startFakeAnthropic(t)
  fake.defaultReport = { kind: 'report', chunkDelayMs: 20 }
  const app = await buildTestApp(t, { env: anthropicEnv(fake) })
  const { url } = await listenOnLoopback(app)

  const summary = await runNewman({
    collection: readJson(COLLECTION_FILE),
    environment: readJson(ENVIRONMENT_FILE),
    envVar: [
      { key: 'baseUrl', value: url },
      { key: 'token', value: signUserToken(TEST_JWT_SECRET, 'postman-user') }
    ],
    reporters: [],
    timeoutRequest: 10_000
  })

  const failures = summary.run.failures.map((f) => `${f.source?.name ?? f.at}: ${f.error.test ?? ''} ${f.error.message}`)
  t.same(failures, [], 'no failed request, test or script')
  const { requests, assertions } = summary.run.stats
  const names = summary.run.executions.map((e) => e.item.name)
  const flow = names.slice(0, names.indexOf('Download the HWPX') + 1)
  t.match(flow.join(' → '), /^Plan the report → Start the generation with the plan( → Poll the status until completed)+ → Download the HWPX$/,
    'plan, generate, poll until completed, download')
  const operations = Object.values((app.swagger() as unknown as OpenApiDocument).paths).flatMap((p) => Object.keys(p)).length
  t.ok((requests.total ?? 0) >= operations + 4, `every operation and the flow ran (${requests.total} requests)`)
  t.equal(assertions.failed, 0)
  t.ok((assertions.total ?? 0) >= 2 * operations, `${assertions.total} assertions`)
  const noTests = summary.run.executions.filter((e) => e.assertions === undefined || e.assertions.length === 0).map((e) => e.item.name)
  t.same(noTests, [], 'every request has tests')
})
