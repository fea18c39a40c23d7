/**
 * The clients of a running report, as a page and a script follow it: a status stream read the way
 * EventSource reads it (reconnecting with Last-Event-ID after the `retry:` hint, wherever the
 * balancer sends it next) and a client polling /status every second.
 */

/** Wall-clock milliseconds (the clock the service's ETA is written in), to a fraction of one. */
export const now = () => performance.timeOrigin + performance.now()

export interface StatusMessage {
  event: 'status_update' | 'completion' | 'report_text'
  status?: string
  progress_percent?: number
  current_step?: string
  estimated_completion?: string | null
  artifact_id?: number | null
  error_message?: string | null
  offset?: number
  text?: string
}

export interface Arrival {
  id: number | undefined
  at: number
  message: StatusMessage
}

interface Frame { id?: string, data?: string, retry?: number }

async function * frames (body: ReadableStream<Uint8Array>): AsyncGenerator<Frame> {
  let buffer = ''
  const reader = body.getReader()
  const decoder = new TextDecoder()
  // Leaving early (the completion arrived) cancels the body, which closes the connection.
  try {
    for (;;) {
      const { value, done } = await reader.read()
      if (done) return
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n')
      let end = buffer.indexOf('\n\n')
      while (end !== -1) {
        const frame: Frame = {}
        for (const line of buffer.slice(0, end).split('\n')) {
          const colon = line.indexOf(':')
          if (colon <= 0) continue
          const [field, value] = [line.slice(0, colon), line.slice(colon + 1).replace(/^ /, '')]
          if (field === 'id') frame.id = value
          else if (field === 'data') frame.data = frame.data === undefined ? value : `${frame.data}\n${value}`
          else if (field === 'retry') frame.retry = Number(value)
        }
        buffer = buffer.slice(end + 2)
        end = buffer.indexOf('\n\n')
        yield frame
      }
    }
  } finally {
    await reader.cancel().catch(() => {})
  }
}

/**
 * One status stream of one topic until its completion event. `baseUrl()` is asked again at each
 * reconnect, so a client whose replica went away reconnects to another. Ids must follow one
 * another without a gap from the first received: anything else is recorded as a problem.
 */
export class StatusStreamFollower {
  readonly statuses: Arrival[] = []
  readonly texts: Arrival[] = []
  readonly reconnects: Array<{ endedAt: number, reason: string, resumedAt?: number }> = []
  readonly problems: string[] = []
  completion: Arrival | undefined
  private lastId: number | undefined
  private retryMs = 3000

  constructor (
    private readonly baseUrl: () => string,
    private readonly path: string,
    private readonly headers: Record<string, string>,
    private readonly label: string
  ) {}

  async follow (deadline: number): Promise<this> {
    while (!this.completion) {
      if (now() > deadline) {
        const last = this.reconnects.at(-1)
        this.problems.push(`${this.label}: no completion before the deadline${last ? ` (${this.reconnects.length} reconnects, the last: ${last.reason})` : ''}`)
        return this
      }
      let reason = 'the stream ended before its completion'
      try {
        const res = await fetch(`${this.baseUrl()}${this.path}`, {
          headers: { ...this.headers, accept: 'text/event-stream', ...(this.lastId === undefined ? {} : { 'last-event-id': String(this.lastId) }) },
          signal: AbortSignal.timeout(Math.max(1, Math.ceil(deadline - now())))
        })
        if (res.status === 204) {
          this.problems.push(`${this.label}: 204 before a completion reached this client`)
          return this
        }
        if (res.status !== 200 || !res.body) throw new Error(`answered ${res.status}`)
        const reconnect = this.reconnects.at(-1)
        if (reconnect && reconnect.resumedAt === undefined) reconnect.resumedAt = now()
        for await (const frame of frames(res.body)) {
          if (frame.retry !== undefined) this.retryMs = frame.retry
          if (frame.data === undefined) continue
          this.receive(frame.id === undefined ? undefined : Number(frame.id), frame.data)
          if (this.completion) return this
        }
      } catch (error) {
        // A replica going away mid-read, or refusing the connection: EventSource tries again.
        reason = String((error as Error).cause ?? error)
      }
      this.reconnects.push({ endedAt: now(), reason })
      await new Promise((resolve) => setTimeout(resolve, this.retryMs))
    }
    return this
  }

  private receive (id: number | undefined, data: string) {
    const arrival = { id, at: now(), message: JSON.parse(data) as StatusMessage }
    const { message } = arrival
    if (message.event === 'report_text') {
      this.texts.push(arrival)
      return
    }
    if (id !== undefined) {
      if (this.lastId !== undefined && id !== this.lastId + 1) {
        this.problems.push(`${this.label}: event ${id} came after ${this.lastId} (${id > this.lastId ? 'missed events' : 'out of order'})`)
      }
      this.lastId = id
    }
    this.statuses.push(arrival)
    if (message.event === 'completion') {
      this.completion = arrival
      if (message.status !== 'completed') this.problems.push(`${this.label}: the report ended ${message.status}: ${message.error_message}`)
    }
  }
}

/** A client asking /status every second until the report is finished; each answer timed. */
export async function pollStatus (url: string, headers: Record<string, string>, deadline: number, label: string) {
  const latencies: number[] = []
  const problems: string[] = []
  while (now() < deadline) {
    const startedAt = performance.now()
    const res = await fetch(url, { headers }).catch((error: unknown) => error as Error)
    if (res instanceof Error) {
      // The replica it asked went away: a client behind a balancer asks again a second later.
      await new Promise((resolve) => setTimeout(resolve, 1000))
      continue
    }
    const body = await res.json() as { data?: { status: string } }
    latencies.push(performance.now() - startedAt)
    if (res.status !== 200) problems.push(`${label}: /status answered ${res.status}`)
    if (body.data && ['completed', 'failed', 'cancelled'].includes(body.data.status)) return { latencies, problems }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 1000 - (performance.now() - startedAt))))
  }
  problems.push(`${label}: /status never showed the report finished`)
  return { latencies, problems }
}
