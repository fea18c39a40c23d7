import { signUserToken } from '../src/auth.js'
import { loadConfig } from '../src/config.js'

const userId = process.argv[2]
if (!userId) {
  console.error('usage: npm run token -- <user-id> [days-valid]')
  process.exit(64)
}
const days = Number(process.argv[3] ?? 7)
const { jwtSecret } = loadConfig()
if (!jwtSecret) {
  console.error('JWT_SECRET is not set: the server makes a random secret per run and prints a token for "demo" itself.')
  console.error('Set JWT_SECRET (32+ characters) for both the server and this command to mint tokens here.')
  process.exit(78)
}
console.log(signUserToken(jwtSecret, userId, Math.round(days * 24 * 3600)))
