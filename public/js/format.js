/** How times, durations, sizes and server sentences read on the page (Korean, the browser's time zone). */

const dateTime = new Intl.DateTimeFormat('ko-KR', { dateStyle: 'medium', timeStyle: 'short' })
const clock = new Intl.DateTimeFormat('ko-KR', { timeStyle: 'short' })

export function formatDateTime (iso) {
  return iso ? dateTime.format(new Date(iso)) : ''
}

/**
 * "예상 완료 오후 3:12 (약 40초 남음)", or '' when the server has no estimate yet. Called every
 * second between events, so the time left counts down instead of standing still.
 */
export function formatEta (iso, now = Date.now()) {
  if (!iso) return ''
  const at = new Date(iso)
  const seconds = Math.round((at.getTime() - now) / 1000)
  if (Number.isNaN(seconds)) return ''
  if (seconds <= 5) return '곧 완료됩니다'
  const remaining = seconds < 90 ? `약 ${seconds}초` : `약 ${Math.round(seconds / 60)}분`
  return `예상 완료 ${clock.format(at)} (${remaining} 남음)`
}

export function formatSize (bytes) {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

export const STATUS_LABELS = {
  planned: '계획됨',
  generating: '작성 중',
  completed: '완료',
  failed: '실패',
  cancelled: '취소됨'
}

/**
 * A server sentence as the user should read it: technical asides in English — "(interrupted)",
 * "(Service Unavailable)" — are dropped, and the model's product name becomes what it is to the user, the writing service.
 */
export function plainKorean (message) {
  return (message ?? '')
    .replace(/\s*\([^()가-힣]*[A-Za-z][^()가-힣]*\)/g, '')
    .replace(/Claude(?:\s*API)?/g, '보고서 작성 서비스')
    .replace(/\s+/g, ' ')
    .trim()
}
