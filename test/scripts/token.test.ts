import { execFile } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import t from 'tap'
import { TEST_JWT_SECRET } from '../support/app.js'
import { entryPointArgs } from '../support/entry-point.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const run = promisify(execFile)

/** `npm run token -- <args>`: its exit code, its output and its error output. */
async function token (args: string[], env: Record<string, string> = {}) {
  return run(process.execPath, [...entryPointArgs(ROOT, 'scripts/token.ts'), ...args], {
    cwd: ROOT, env: { PATH: process.env.PATH ?? '', JWT_SECRET: TEST_JWT_SECRET, ...env }
  }).then(({ stdout, stderr }) => ({ code: 0, stdout, stderr }), (error: { code: number, stdout: string, stderr: string }) => error)
}

const lifeOf = (jwt: string) => {
  const claims = JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as { iat: number, exp: number }
  return claims.exp - claims.iat
}

t.test('signs for the days asked, a week by default', async (t) => {
  t.equal(lifeOf((await token(['alice'])).stdout.trim()), 7 * 86400)
  t.equal(lifeOf((await token(['alice', '0.5'])).stdout.trim()), 43200)
})

t.test('days the server would refuse are an error, not a token', async (t) => {
  for (const days of ['abc', '0', '-1', '8']) {
    const { code, stdout, stderr } = await token(['alice', days])
    t.equal(code, 64, days)
    t.equal(stdout, '', `${days}: no token`)
    t.match(stderr, new RegExp(`유효 기간\\(일\\) "${days}".*7일\\(JWT_MAX_AGE_SECONDS\\) 이하인 숫자로 주세요`), `${days}: says what to give instead`)
  }
  t.equal((await token(['alice', '2'], { JWT_MAX_AGE_SECONDS: '86400' })).code, 64, 'the limit is the configured one')
  t.equal(lifeOf((await token(['alice'], { JWT_MAX_AGE_SECONDS: '86400' })).stdout.trim()), 86400, 'and by default the token lives as long as it allows')
})
