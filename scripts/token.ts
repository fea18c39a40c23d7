import { signUserToken } from '../src/auth.js'
import { loadConfig } from '../src/config.js'

const DAY_SECONDS = 24 * 3600

const userId = process.argv[2]
if (!userId) {
  console.error('usage: npm run token -- <user-id> [days-valid]')
  process.exit(64)
}
const { jwtSecret, jwtMaxAgeSeconds } = loadConfig()
const maxDays = jwtMaxAgeSeconds / DAY_SECONDS
const days = process.argv[3] === undefined ? Math.min(7, maxDays) : Number(process.argv[3])
// The server refuses a token that lives longer than JWT_MAX_AGE_SECONDS, so such a token is not signed.
if (!Number.isFinite(days) || days <= 0 || Math.round(days * DAY_SECONDS) > jwtMaxAgeSeconds) {
  console.error(`유효 기간(일) "${process.argv[3]}"은(는) 쓸 수 없습니다. 0보다 크고 ${maxDays}일(JWT_MAX_AGE_SECONDS) 이하인 숫자로 주세요. 예: npm run token -- ${userId} 1`)
  process.exit(64)
}
if (!jwtSecret) {
  console.error('JWT_SECRET is not set: the server makes a random secret per run and prints a token for "demo" itself.')
  console.error('Set JWT_SECRET (32+ characters) for both the server and this command to mint tokens here.')
  process.exit(78)
}
console.log(signUserToken(jwtSecret, userId, Math.round(days * DAY_SECONDS)))
