import { AppError } from '../errors.js'

/** A browser that got 429 falls back to polling; a retry after this long finds a slot if a tab was closed. */
export const STREAM_RETRY_AFTER_SECONDS = 10

/**
 * Open status streams per user and per topic. Each stream holds a socket, a subscription and
 * its buffers in this process, so the count is this process's own: what it protects is this
 * process's memory and file descriptors.
 */
export class StreamSlots {
  readonly #perUser = new Map<string, number>()
  readonly #perTopic = new Map<number, number>()

  constructor (private readonly limits: { perUser: number, perTopic: number }) {}

  /** Takes a slot, or throws 429; the returned function gives it back (once, however often called). */
  acquire (userId: string, topicId: number): () => void {
    const userOpen = this.#perUser.get(userId) ?? 0
    const topicOpen = this.#perTopic.get(topicId) ?? 0
    if (userOpen >= this.limits.perUser) {
      throw tooMany(`진행 상황 스트림을 이미 ${userOpen}개 열어 두었습니다 (한 사람당 최대 ${this.limits.perUser}개). 다른 창이나 탭을 닫은 뒤 다시 시도해 주세요.`)
    }
    if (topicOpen >= this.limits.perTopic) {
      throw tooMany(`이 보고서의 진행 상황 스트림이 이미 ${topicOpen}개 열려 있습니다 (보고서당 최대 ${this.limits.perTopic}개). 다른 창이나 탭을 닫은 뒤 다시 시도해 주세요.`)
    }
    this.#perUser.set(userId, userOpen + 1)
    this.#perTopic.set(topicId, topicOpen + 1)
    let released = false
    return () => {
      if (released) return
      released = true
      decrement(this.#perUser, userId)
      decrement(this.#perTopic, topicId)
    }
  }
}

function decrement<K> (counts: Map<K, number>, key: K) {
  const left = (counts.get(key) ?? 1) - 1
  if (left <= 0) counts.delete(key)
  else counts.set(key, left)
}

const tooMany = (message: string) => new AppError('RATE_LIMITED', message, {
  retryAfterSeconds: STREAM_RETRY_AFTER_SECONDS,
  hint: 'Close another status stream, or poll GET /api/topics/:id/status instead'
})
