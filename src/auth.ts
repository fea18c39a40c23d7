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
