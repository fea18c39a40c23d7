/** How times, durations and sizes read on the page (Korean, the browser's time zone). */

const dateTime = new Intl.DateTimeFormat('ko-KR', { dateStyle: 'medium', timeStyle: 'short' })
const clock = new Intl.DateTimeFormat('ko-KR', { timeStyle: 'short' })

export function formatDateTime (iso) {
  return iso ? dateTime.format(new Date(iso)) : ''
}

/** "예상 완료 오후 3:12 (약 2분 남음)", or '' when the server has no estimate yet. */
export function formatEta (iso, now = Date.now()) {
  if (!iso) return ''
  const at = new Date(iso)
  const seconds = Math.round((at.getTime() - now) / 1000)
  if (Number.isNaN(seconds)) return ''
  if (seconds <= 5) return '곧 완료됩니다'
  const remaining = seconds < 60 ? `약 ${seconds}초` : `약 ${Math.round(seconds / 60)}분`
  return `예상 완료 ${clock.format(at)} (${remaining} 남음)`
}

export function formatSize (bytes) {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

export const STATUS_LABELS = {
  planned: '계획됨',
  generating: '생성 중',
  completed: '완료',
  failed: '실패'
}
