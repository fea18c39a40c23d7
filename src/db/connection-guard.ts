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

/** The startup packet's code for an SSLRequest: what follows is TLS, which this guard cannot read. */
const SSL_REQUEST_CODE = 80_877_103

/**
 * Walks a stream of PostgreSQL protocol messages (a type byte, then a 4-byte length that counts
 * itself) as it arrives in chunks of any size, reporting each message's type. Messages split
 * across chunks are followed by counting, never by copying the data.
 */
class MessageScanner {
  readonly #header = Buffer.alloc(5)
  #headerBytes = 0
  #bodyLeft = 0

  constructor (private readonly onMessage: (type: number) => void) {}

  scan (chunk: Buffer): void {
    let at = 0
    while (at < chunk.length) {
      if (this.#bodyLeft > 0) {
        const skipped = Math.min(this.#bodyLeft, chunk.length - at)
        this.#bodyLeft -= skipped
        at += skipped
        continue
      }
      const copied = chunk.copy(this.#header, this.#headerBytes, at, Math.min(chunk.length, at + 5 - this.#headerBytes))
      this.#headerBytes += copied
      at += copied
      if (this.#headerBytes < 5) return
      this.#headerBytes = 0
      this.#bodyLeft = this.#header.readUInt32BE(1) - 4
      this.onMessage(this.#header[0]!)
    }
  }
}

const SYNC = 0x53
const SIMPLE_QUERY = 0x51
const READY_FOR_QUERY = 0x5a

interface SocketTarget {
  host: string[]
  port: number[]
  path?: string | false
}

/**
 * Fails the connection when the server owes an answer and has been silent for `silenceMs`. What is
 * owed is counted from the protocol itself: the startup and every Sync or simple Query earn one
 * ReadyForQuery, so statements postgres.js pipelines on one connection are all covered until the
 * last is answered. A connection that owes nothing is left alone however long it is silent: an
 * idle pooled connection, or the LISTEN connection, which is quiet by design and would lose every
 * NOTIFY sent while it reconnected. A TLS connection is encrypted past its SSLRequest and goes
 * unwatched: the server's own statement timeout still applies.
 */
function watchAnswers (socket: net.Socket, silenceMs: number) {
  let owed = 0
  let encrypted = false
  let silence: NodeJS.Timeout | undefined
  const expectAnswer = () => {
    owed++
    silence ??= setTimeout(() => socket.destroy(new DatabaseTimeoutError('DB_QUERY_TIMEOUT', silenceMs)), silenceMs)
  }
  const outgoing = new MessageScanner((type) => { if (type === SYNC || type === SIMPLE_QUERY) expectAnswer() })
  const incoming = new MessageScanner((type) => {
    if (type !== READY_FOR_QUERY || --owed > 0) return
    owed = 0
    clearTimeout(silence)
    silence = undefined
  })
  let startupSent = false
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean
  socket.write = ((...args: unknown[]) => {
    const [data] = args
    if (!encrypted && Buffer.isBuffer(data)) {
      if (startupSent) outgoing.scan(data)
      else {
        // The first packet has no type byte: a startup message (answered, after authentication,
        // by the first ReadyForQuery) or an SSLRequest.
        startupSent = true
        if (data.length >= 8 && data.readUInt32BE(4) === SSL_REQUEST_CODE) encrypted = true
        else expectAnswer()
      }
    }
    return write(...args)
  }) as typeof socket.write
  socket.on('data', (chunk: Buffer) => {
    if (encrypted) return
    silence?.refresh()
    incoming.scan(chunk)
  })
  socket.once('close', () => clearTimeout(silence))
}

/**
 * The `socket` option of postgres.js: a TCP (or Unix) socket, connected within `connectMs`, that
 * fails the statements in flight when the server has been silent for longer than its statement
 * timeout (see watchAnswers).
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
      watchAnswers(socket, silenceMs)
      resolve(socket)
    })
  })
}
