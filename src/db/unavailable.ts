import { DrizzleQueryError } from 'drizzle-orm'

/**
 * Whether an error means the database cannot be reached or did not answer in time — an outage
 * the caller should retry after (503), not a fault in our code (500).
 */

/** postgres.js' own connection errors, our timeouts, and the operating system's network errors. */
const CONNECTION_CODES = new Set([
  'CONNECT_TIMEOUT', 'CONNECTION_CLOSED', 'CONNECTION_DESTROYED', 'CONNECTION_ENDED',
  'DB_CONNECT_TIMEOUT', 'DB_QUERY_TIMEOUT', 'DB_READY_TIMEOUT',
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN'
])

/**
 * SQLSTATEs of an unavailable server: class 08 (connection exception), shutting down or starting
 * (57P01–57P03), too many connections (53300), and a statement or lock wait cut off by its
 * timeout (57014, 55P03).
 */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '57014', '55P03'])

/** PGlite, in process, is unavailable only once closed. */
const PGLITE_CLOSED = /^PGlite is clos(ed|ing)/

export function isDatabaseUnavailable (error: unknown): boolean {
  // drizzle wraps the driver's error (DrizzleQueryError, with the query and its parameters) in `cause`.
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string' && (CONNECTION_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08'))) return true
    if (PGLITE_CLOSED.test(current.message)) return true
  }
  return false
}

/**
 * What of a database error may be logged: the driver's error, never drizzle's wrapper, whose
 * message spells out the statement's parameters (users' text and ids).
 */
export function loggableDatabaseError (error: unknown): unknown {
  if (error instanceof DrizzleQueryError) return { query: error.query, cause: error.cause }
  return error
}
