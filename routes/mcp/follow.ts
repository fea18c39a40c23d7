import type { StatusStore } from '../../src/status/store.js'
import type { StatusSnapshot } from '../../src/status/types.js'

export interface FollowOptions {
  store: StatusStore
  topicId: number
  waitMs: number
  /** Aborted when the MCP client cancels the call or goes away. */
  signal: AbortSignal
  /** Called for each step forward, with the same snapshots the status stream sends. */
  onProgress: (snapshot: StatusSnapshot) => Promise<void>
}

/**
 * Follows a generation through the status store's events — the ones the SSE stream is fed
 * by — until it finishes, `waitMs` passes or the caller stops listening. The generation itself
 * goes on regardless: following only watches it.
 *
 * MCP progress must grow with every notification, while the store may publish a new step at
 * the same percentage; only steps that move the percentage are passed on.
 *
 * Returns the last snapshot seen — what /status answers from memory for the owner of a live run —
 * or undefined if the store had none (the run lives in another process, or ended long ago).
 */
export async function followGeneration ({ store, topicId, waitMs, signal, onProgress }: FollowOptions): Promise<StatusSnapshot | undefined> {
  // Server shutdown closes the store, which ends this subscription too, so a waiting call
  // never holds the server open past its grace period.
  const waited = new AbortController()
  const timer = setTimeout(() => waited.abort(), waitMs)
  const events = store.subscribe(topicId, { signal: AbortSignal.any([signal, waited.signal]) })
  let latest: StatusSnapshot | undefined
  let reported = -1
  try {
    for await (const { snapshot } of events) {
      latest = snapshot
      if (snapshot.progress_percent <= reported) continue
      reported = snapshot.progress_percent
      await onProgress(snapshot)
    }
  } finally {
    clearTimeout(timer)
  }
  return latest
}
