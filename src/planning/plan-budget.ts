/** Below this much time left there is no point asking the model; the template answers at once. */
export const MIN_MODEL_MS = 300

/**
 * How long saving a plan takes lately (a moving average of the topic insert), so the model's
 * deadline leaves time for the save that follows it: on a busy database the model gets less,
 * and the answer still comes in time.
 */
export class SaveLatency {
  // Pessimistic until saves have been seen: a burst of requests all start before the first save ends.
  private averageMs = 150

  observe (ms: number) {
    this.averageMs = 0.8 * this.averageMs + 0.2 * ms
  }

  /** Time kept back for the save: twice the average, within bounds. */
  get reserveMs () {
    return Math.min(800, Math.max(100, 2 * this.averageMs))
  }
}

/**
 * How many plans may be answered at once, learnt from how late they answer (additive increase,
 * multiplicative decrease): a machine that slows down — a busy database, cores shared with other
 * work — admits fewer, which answer in time, and the rest are turned away at once. Never more
 * than the configured maximum, never fewer than a handful.
 */
export class AdaptiveLimit {
  private limit: number
  private inFlight = 0

  constructor (private readonly budgetMs: number, private readonly max: number, private readonly min = Math.min(4, max)) {
    this.limit = max
  }

  tryAcquire (): boolean {
    if (this.inFlight >= Math.floor(this.limit)) return false
    this.inFlight++
    return true
  }

  release (elapsedMs: number) {
    this.inFlight--
    this.limit = elapsedMs > this.budgetMs
      ? Math.max(this.min, this.limit * 0.9)
      : Math.min(this.max, this.limit + 1 / this.limit)
  }
}
