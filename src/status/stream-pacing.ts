import { performance } from 'node:perf_hooks'
import type { StatusEvent } from './types.js'

export interface StreamLimits {
  /** A heartbeat follows this long without anything written: proxies cut connections that look dead. */
  heartbeatMs: number
  /** The stream ends this long after the last status change; the client reconnects if it still cares. */
  idleTimeoutMs: number
  /** Hard cap on one stream, however busy. */
  maxDurationMs: number
}

export type StreamItem<T = StatusEvent> = { kind: 'status', event: T } | { kind: 'heartbeat' }

/**
 * Paces a topic's events for a long-lived HTTP stream: the events as they come, heartbeats in the
 * quiet stretches, and an end when the limits say so — a reconnecting client resumes with
 * Last-Event-ID and loses nothing. Ends when the events do, and always returns the source.
 *
 * The source is pulled only when the consumer asks for the next item, so a client under
 * backpressure leaves its events queued in the subscription, where the store bounds them.
 */
export async function * paceStatusStream<T = StatusEvent> (
  events: AsyncIterator<T>,
  limits: StreamLimits
): AsyncGenerator<StreamItem<T>, void, undefined> {
  const startedAt = performance.now()
  let lastStatusAt = startedAt
  let lastWriteAt = startedAt
  // One reaction per pulled event and one timer per wait: racing the same pending promise
  // against a fresh timeout each time would pile up reactions on it during a quiet stretch.
  let settled: IteratorResult<T> | undefined
  let wake: (() => void) | undefined
  const pull = () => {
    settled = undefined
    events.next().then(
      (result) => { settled = result; wake?.() },
      () => { settled = { done: true, value: undefined }; wake?.() })
  }

  try {
    pull()
    while (true) {
      const now = performance.now()
      const deadline = Math.min(startedAt + limits.maxDurationMs, lastStatusAt + limits.idleTimeoutMs)
      if (settled === undefined) {
        if (now >= deadline) return
        const wakeAt = Math.min(deadline, lastWriteAt + limits.heartbeatMs)
        let timer: NodeJS.Timeout | undefined
        await new Promise<void>((resolve) => {
          wake = resolve
          timer = setTimeout(resolve, Math.max(0, wakeAt - now))
        })
        clearTimeout(timer)
        wake = undefined
      }
      if (settled === undefined) {
        const woke = performance.now()
        if (woke < deadline && woke >= lastWriteAt + limits.heartbeatMs) {
          lastWriteAt = woke
          yield { kind: 'heartbeat' }
        }
        continue
      }
      const result: IteratorResult<T> = settled
      if (result.done) return
      lastStatusAt = lastWriteAt = performance.now()
      yield { kind: 'status', event: result.value }
      pull()
    }
  } finally {
    await events.return?.()
  }
}
