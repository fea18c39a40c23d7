import { randomBytes } from 'node:crypto'
import { createSigner } from 'fast-jwt'

export const JWT_ALGORITHM = 'HS256'
export const USER_ID_PATTERN = /^[\w.@:-]{1,128}$/
export const DEMO_USER_ID = 'demo'

/** A throwaway secret for a run without JWT_SECRET: tokens it signs stop working at restart. */
export function randomJwtSecret (): string {
  return randomBytes(48).toString('base64url')
}

export function signUserToken (secret: string, userId: string, expiresInSeconds = 7 * 24 * 3600): string {
  if (!USER_ID_PATTERN.test(userId)) throw new Error(`user id must match ${USER_ID_PATTERN}`)
  const sign = createSigner({ key: secret, algorithm: JWT_ALGORITHM, expiresIn: expiresInSeconds * 1000 })
  return sign({ sub: userId })
}

/** Clock difference tolerated between the signer and us for a token's issue time. */
const CLOCK_SKEW_SECONDS = 60

/**
 * Why verified claims are still not accepted, or undefined: every token must name a valid user
 * (`sub`), say when it was issued (`iat`) and when it expires (`exp`, numbers), and live no
 * longer than `maxAgeSeconds` — a token without an end, or with one years away, is not taken.
 */
export function tokenClaimsProblem (claims: Record<string, unknown>, maxAgeSeconds: number, nowSeconds = Date.now() / 1000): string | undefined {
  const { sub, iat, exp } = claims
  if (typeof sub !== 'string' || !USER_ID_PATTERN.test(sub)) return 'no valid "sub" (user id) claim'
  if (typeof exp !== 'number' || !Number.isFinite(exp)) return 'no numeric "exp" claim'
  if (typeof iat !== 'number' || !Number.isFinite(iat)) return 'no numeric "iat" claim'
  if (iat > nowSeconds + CLOCK_SKEW_SECONDS) return '"iat" is in the future'
  if (exp - iat > maxAgeSeconds) return `lives longer than ${maxAgeSeconds} s`
  return undefined
}

/**
 * Tokens that passed every check, trusted again for a short while without verifying their
 * signature: a page polls /status every few seconds with the same token, and the signature check
 * was the largest part of a poll's cost. An entry never outlives the token's own `exp`, and only
 * tokens that verified are kept (a forged one costs its full check every time). When full, the
 * oldest entry makes room; a token that drops out is simply verified again.
 */
export class VerifiedTokens {
  readonly #users = new Map<string, { userId: string, until: number }>()

  constructor (private readonly ttlMs: number, private readonly max: number, private readonly now: () => number = Date.now) {}

  userOf (token: string): string | undefined {
    const entry = this.#users.get(token)
    if (!entry) return undefined
    if (this.now() < entry.until) return entry.userId
    this.#users.delete(token)
    return undefined
  }

  remember (token: string, userId: string, expiresAtSeconds: number): void {
    const until = Math.min(this.now() + this.ttlMs, expiresAtSeconds * 1000)
    if (until <= this.now() || this.max < 1) return
    if (this.#users.size >= this.max) this.#users.delete(this.#users.keys().next().value!)
    this.#users.set(token, { userId, until })
  }

  get size (): number {
    return this.#users.size
  }
}
