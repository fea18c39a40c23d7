import http from 'node:http'

/** One dispatched block of an event stream: a message (any of id/data/retry/event), or a comment line. */
export type SseFrame =
  | { type: 'message', id?: string, event?: string, data?: string, retry?: number }
  | { type: 'comment', text: string }

export type SseMessage = Extract<SseFrame, { type: 'message' }>

/**
 * A raw Server-Sent Events reader over node:http: unlike EventSource it shows what is really on
 * the wire — comments, `retry:`, ids, and exactly where the stream ends — and never reconnects.
 */
export interface SseConnection {
  status: number
  headers: http.IncomingHttpHeaders
  /** The whole body of an answer that is not an event stream (an error envelope, or '' for 204). */
  body: string
  /** The next frame, or undefined once the stream has ended; rejects after `timeoutMs`. */
  next: (timeoutMs?: number) => Promise<SseFrame | undefined>
  /** Like next(), skipping comments. */
  nextMessage: (timeoutMs?: number) => Promise<SseMessage | undefined>
  /** Every frame until the stream ends; rejects if it does not end within `timeoutMs`. */
  rest: (timeoutMs?: number) => Promise<SseFrame[]>
  /** Drops the connection, as a browser does when the page goes away. */
  close: () => void
}

const DEFAULT_TIMEOUT_MS = 5000

/** Parses a stream per the WHATWG rules: lines end in CRLF, LF or CR; a blank line dispatches. */
export class SseParser {
  #buffer = ''
  #pending: SseMessage | undefined

  push (text: string): SseFrame[] {
    const frames: SseFrame[] = []
    let input = this.#buffer + text
    // A CR at the end may be the first half of a CRLF split across chunks: wait for what follows.
    const heldCr = input.endsWith('\r') ? '\r' : ''
    if (heldCr) input = input.slice(0, -1)
    const lines = input.split(/\r\n|\r|\n/)
    // The last piece has no line ending yet: keep it for the next chunk.
    this.#buffer = (lines.pop() ?? '') + heldCr
    for (const line of lines) {
      if (line === '') {
        if (this.#pending) frames.push(this.#pending)
        this.#pending = undefined
        continue
      }
      if (line.startsWith(':')) {
        frames.push({ type: 'comment', text: line.slice(1).replace(/^ /, '') })
        continue
      }
      const colon = line.indexOf(':')
      const field = colon === -1 ? line : line.slice(0, colon)
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '')
      const message: SseMessage = this.#pending ??= { type: 'message' }
      if (field === 'data') message.data = message.data === undefined ? value : `${message.data}\n${value}`
      else if (field === 'id') message.id = value
      else if (field === 'event') message.event = value
      else if (field === 'retry' && /^\d+$/.test(value)) message.retry = Number(value)
    }
    return frames
  }
}

export async function openSse (url: string, headers: Record<string, string> = {}): Promise<SseConnection> {
  // A connection of its own (no agent): closing it is exactly a client going away.
  const request = http.request(url, { headers: { accept: 'text/event-stream', ...headers }, agent: false })
  const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
    request.once('response', resolve).once('error', reject).end()
  })
  const status = response.statusCode ?? 0
  const isStream = status === 200 && (response.headers['content-type'] ?? '').startsWith('text/event-stream')
  let body = ''
  if (!isStream) {
    for await (const chunk of response) body += String(chunk)
  }

  const frames: SseFrame[] = []
  const waiting: Array<() => void> = []
  const state = { ended: !isStream }
  const wakeAll = () => { for (const wake of waiting.splice(0)) wake() }

  if (isStream) {
    const parser = new SseParser()
    response.setEncoding('utf8')
    response.on('data', (text: string) => {
      frames.push(...parser.push(text))
      wakeAll()
    })
    // 'close' covers both a clean end and a cut connection (ours in close(), or the server's).
    response.once('close', () => {
      state.ended = true
      wakeAll()
    })
    response.on('error', () => {})
  }

  async function next (timeoutMs = DEFAULT_TIMEOUT_MS): Promise<SseFrame | undefined> {
    const deadline = Date.now() + timeoutMs
    while (frames.length === 0 && !state.ended) {
      const remaining = deadline - Date.now()
      if (remaining <= 0) throw new Error(`no SSE frame within ${timeoutMs} ms from ${url}`)
      let timer: NodeJS.Timeout | undefined
      await new Promise<void>((resolve) => {
        waiting.push(resolve)
        timer = setTimeout(resolve, remaining)
      })
      clearTimeout(timer)
    }
    return frames.shift()
  }

  async function nextMessage (timeoutMs = DEFAULT_TIMEOUT_MS): Promise<SseMessage | undefined> {
    const deadline = Date.now() + timeoutMs
    while (true) {
      const frame = await next(Math.max(1, deadline - Date.now()))
      if (frame === undefined || frame.type === 'message') return frame
    }
  }

  async function rest (timeoutMs = DEFAULT_TIMEOUT_MS): Promise<SseFrame[]> {
    const deadline = Date.now() + timeoutMs
    const all: SseFrame[] = []
    while (true) {
      const frame = await next(Math.max(1, deadline - Date.now()))
      if (frame === undefined) return all
      all.push(frame)
    }
  }

  return {
    status,
    headers: response.headers,
    body,
    next,
    nextMessage,
    rest,
    close: () => { request.destroy() }
  }
}

/** The JSON of a status message. */
export function payload (message: SseMessage | undefined): Record<string, unknown> {
  if (message?.data === undefined) throw new Error(`not a data message: ${JSON.stringify(message)}`)
  return JSON.parse(message.data) as Record<string, unknown>
}
