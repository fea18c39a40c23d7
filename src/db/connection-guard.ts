import net from 'node:net'

/**
 * Timeouts that keep a stopped or frozen PostgreSQL from holding requests: postgres.js alone
 * waits forever for the answer to a query sent to a server that accepted the connection and
 * then went silent (a paused process, a half-dead network path).
 */
export interface DatabaseTimeouts {
  /** Opening a connection: TCP, TLS and authentication. */
  connectMs: number
  /** One statement; the server cancels it at this point, and the client gives up shortly after. */
  queryMs: number
}

export const DEFAULT_DATABASE_TIMEOUTS: DatabaseTimeouts = { connectMs: 5000, queryMs: 10_000 }

/** How long past the server's own statement timeout the client waits for the server's answer to it. */
const SERVER_ANSWER_GRACE_MS = 2000

/** Raised on the connection when the server stops answering; what the caller sees. */
export class DatabaseTimeoutError extends Error {
  override name = 'DatabaseTimeoutError'
  readonly code: 'DB_CONNECT_TIMEOUT' | 'DB_QUERY_TIMEOUT'
  constructor (code: DatabaseTimeoutError['code'], ms: number) {
    super(code === 'DB_CONNECT_TIMEOUT'
      ? `no connection to the database within ${ms} ms`
      : `the database did not answer within ${ms} ms`)
    this.code = code
  }
}

/** A chunk that ends with ReadyForQuery ('Z', length 5, status): the server has finished the last statement. */
function endsWithReadyForQuery (chunk: Buffer): boolean {
  const at = chunk.length - 6
  return at >= 0 && chunk[at] === 0x5a && chunk.readUInt32BE(at + 1) === 5
}

interface SocketTarget {
  host: string[]
  port: number[]
  path?: string | false
}

/**
 * The `socket` option of postgres.js: a TCP (or Unix) socket, connected within `connectMs`, that
 * fails the statement in flight when the server has been silent for longer than its statement
 * timeout. A silent socket with nothing in flight is left alone: it is an idle pooled connection
 * or the LISTEN connection, which is quiet by design, and closing that one loses every NOTIFY sent
 * while it reconnects.
 */
export function guardedSocket (timeouts: DatabaseTimeouts) {
  const silenceMs = timeouts.queryMs + SERVER_ANSWER_GRACE_MS
  return (target: SocketTarget) => new Promise<net.Socket>((resolve, reject) => {
    const socket = target.path ? net.connect(target.path) : net.connect(target.port[0]!, target.host[0]!)
    const connectTimer = setTimeout(() => {
      socket.destroy()
      reject(new DatabaseTimeoutError('DB_CONNECT_TIMEOUT', timeouts.connectMs))
    }, timeouts.connectMs)
    socket.once('error', (error) => {
      clearTimeout(connectTimer)
      reject(error)
    })
    socket.once('connect', () => {
      clearTimeout(connectTimer)
      let awaitingAnswer = false
      const write = socket.write.bind(socket) as (...args: unknown[]) => boolean
      socket.write = ((...args: unknown[]) => {
        awaitingAnswer = true
        return write(...args)
      }) as typeof socket.write
      socket.on('data', (chunk: Buffer) => { if (endsWithReadyForQuery(chunk)) awaitingAnswer = false })
      socket.setTimeout(silenceMs, () => {
        if (awaitingAnswer) socket.destroy(new DatabaseTimeoutError('DB_QUERY_TIMEOUT', silenceMs))
      })
      resolve(socket)
    })
  })
}
