// test-database: postgres
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { buildTestApp } from '../support/app.js'

const PUBLIC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../public')

t.test('GET / serves the page without a token', async (t) => {
  const app = await buildTestApp(t)
  const res = await app.inject({ method: 'GET', url: '/' })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'text/html; charset=utf-8')
  t.match(res.body, '<html lang="ko">')
  t.match(res.headers['content-security-policy'], "default-src 'self'")
  t.equal(res.headers['referrer-policy'], 'no-referrer', 'the sign-in link\'s token is never sent on as a referrer')
  t.equal(res.headers['x-content-type-options'], 'nosniff')
})

t.test('the sign-in link\'s query does not change what is served', async (t) => {
  const app = await buildTestApp(t)
  const res = await app.inject({ method: 'GET', url: '/?token=abc.def.ghi' })
  t.equal(res.statusCode, 200)
  t.match(res.body, '<script type="module" src="/js/main.js">')
})

t.test('scripts and styles are served with their types, without a token', async (t) => {
  const app = await buildTestApp(t)
  const script = await app.inject({ method: 'GET', url: '/js/main.js' })
  t.equal(script.statusCode, 200)
  t.match(script.headers['content-type'], /^(text|application)\/javascript/)
  const style = await app.inject({ method: 'GET', url: '/app.css' })
  t.equal(style.statusCode, 200)
  t.match(style.headers['content-type'], /^text\/css/)
})

t.test('every module a script imports is served', async (t) => {
  const app = await buildTestApp(t)
  const files = (await readdir(path.join(PUBLIC, 'js'))).filter((name) => name.endsWith('.js'))
  const imported = new Set<string>()
  for (const name of files) {
    const source = await readFile(path.join(PUBLIC, 'js', name), 'utf8')
    for (const match of source.matchAll(/^import .* from '(\.\/[^']+)'$/gm)) imported.add(path.posix.join('/js', match[1]!))
  }
  t.ok(imported.size > 0)
  for (const url of imported) {
    t.equal((await app.inject({ method: 'GET', url })).statusCode, 200, url)
  }
})

t.test('the page opens nothing else: unknown paths and the API keep their answers', async (t) => {
  const app = await buildTestApp(t)
  const missing = await app.inject({ method: 'GET', url: '/nope.js' })
  t.equal(missing.statusCode, 404)
  t.match(missing.json(), { success: false, error: { code: 'NOT_FOUND' } })
  const api = await app.inject({ method: 'GET', url: '/api/templates' })
  t.equal(api.statusCode, 401, 'the API still needs its token')
  const traversal = await app.inject({ method: 'GET', url: '/../package.json' })
  t.equal(traversal.statusCode, 404)
})
