import { api, ApiError } from './api.js'
import { storedToken } from './session.js'

/**
 * Follows one generation until it ends: over the status stream (EventSource, whose token rides in
 * the query since it cannot send headers), asking for the report's text as it is written, or — as
 * soon as the stream fails or ends early — by polling the status route every two seconds, which
 * always works behind proxies that break SSE (the text then arrives with the finished report).
 */

const POLL_INTERVAL_MS = 2000

/** Answers that polling again cannot change: the run is unknown or the user is no longer signed in. */
const FINAL_HTTP_STATUS = new Set([401, 403, 404])

export const TERMINAL_STATES = new Set(['completed', 'failed', 'cancelled'])

/**
 * Calls onStatus with every snapshot ({status, progress_percent, current_step,
 * estimated_completion, artifact_id, error_message}); the last one is terminal. onText gets each
 * `report_text` piece ({offset, text}). onFailure gets an error that ends the watch; onTrouble
 * gets a passing one (null when it passed). Returns a function that stops watching.
 */
export function watchGeneration ({ topicId, streamUrl, onStatus, onText, onFailure, onTrouble }) {
  let stopped = false
  let timer

  const stop = () => {
    stopped = true
    source?.close()
    clearTimeout(timer)
  }

  const deliver = (snapshot) => {
    if (stopped) return
    if (TERMINAL_STATES.has(snapshot.status)) stop()
    onStatus(snapshot)
  }

  const poll = async () => {
    try {
      const snapshot = await api(`/api/topics/${topicId}/status`)
      onTrouble(null)
      deliver(snapshot)
    } catch (error) {
      if (stopped) return
      if (error instanceof ApiError && FINAL_HTTP_STATUS.has(error.status)) {
        stop()
        onFailure(error)
        return
      }
      onTrouble(error)
    }
    if (!stopped) timer = setTimeout(poll, POLL_INTERVAL_MS)
  }

  const url = new URL(streamUrl ?? `/api/topics/${topicId}/status/stream`, window.location.origin)
  url.searchParams.set('include', 'text')
  url.searchParams.set('access_token', storedToken() ?? '')
  const source = new window.EventSource(url)
  source.onmessage = (event) => {
    let data
    try {
      data = JSON.parse(event.data)
    } catch {
      return
    }
    if (data.event === 'report_text') {
      if (!stopped && typeof data.text === 'string') onText({ offset: Number(data.offset) || 0, text: data.text })
      return
    }
    deliver(data.event === 'completion' && data.status === 'completed' ? { ...data, progress_percent: 100 } : data)
  }
  // EventSource would retry on its own, but a stream that failed once is not trusted again.
  source.onerror = () => {
    if (stopped) return
    source.close()
    poll()
  }

  return stop
}

/**
 * The report's text assembled from `report_text` pieces: each carries the character offset it
 * starts at and replaces everything from there — so the copy of the whole text a (re)connected
 * stream sends first, or a report written again from the start (offset 0), takes the place of what
 * was shown. A piece beyond the end (one was missed) waits for the stream's next full copy.
 */
export class ReportText {
  text = ''

  /** Returns true when the text changed. */
  apply ({ offset, text }) {
    if (offset > this.text.length) return false
    const next = this.text.slice(0, offset) + text
    if (next === this.text) return false
    this.text = next
    return true
  }
}
