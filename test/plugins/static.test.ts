// test-database: postgres
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
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

t.test('files are compressed as the browser asks and revalidated by their ETag', async (t) => {
  const app = await buildTestApp(t)
  const plain = await app.inject({ method: 'GET', url: '/js/main.js' })
  for (const encoding of ['br', 'gzip']) {
    const res = await app.inject({ method: 'GET', url: '/js/main.js', headers: { 'accept-encoding': encoding } })
    t.equal(res.headers['content-encoding'], encoding, encoding)
    t.match(res.headers.vary, /accept-encoding/i)
    const unpacked = encoding === 'br' ? brotliDecompressSync(res.rawPayload) : gunzipSync(res.rawPayload)
    t.equal(unpacked.toString('utf8'), plain.body, `${encoding} unpacks to the file`)
    t.ok(res.rawPayload.length < plain.rawPayload.length / 2, `${encoding}: ${res.rawPayload.length} of ${plain.rawPayload.length} bytes`)
  }
  t.equal(plain.headers['content-encoding'], undefined, 'a client that asks for none gets none')
  t.equal(plain.headers['cache-control'], 'no-cache', 'kept, but checked back on every visit')
  t.ok(plain.headers.etag)
  const again = await app.inject({ method: 'GET', url: '/js/main.js', headers: { 'if-none-match': String(plain.headers.etag) } })
  t.equal(again.statusCode, 304, 'an unchanged file is not sent again')
  const html = await app.inject({ method: 'GET', url: '/', headers: { 'accept-encoding': 'gzip' } })
  t.equal(html.headers['content-encoding'], 'gzip')
  t.equal(html.headers['cache-control'], 'no-cache')
  const api = await app.inject({ method: 'GET', url: '/docs/json', headers: { 'accept-encoding': 'gzip' } })
  t.ok(api.rawPayload.length > 1024)
  t.equal(api.headers['content-encoding'], undefined, 'the API is left alone')
})

t.test('GET /favicon.ico is an icon the browser may keep', async (t) => {
  const app = await buildTestApp(t)
  const res = await app.inject({ method: 'GET', url: '/favicon.ico' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^image\/(x-icon|vnd\.microsoft\.icon)/)
  t.same([...res.rawPayload.subarray(0, 4)], [0, 0, 1, 0], 'an ICO file')
  t.equal(res.headers['cache-control'], 'public, max-age=604800')
})
