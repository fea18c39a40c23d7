/**
 * The topic on screen lives in the address (`/?topic=12`), so a reload, a bookmark or a link
 * brings the user back to the same report: its plan, its progress or its result.
 */

const PARAM = 'topic'

export function topicFromAddress () {
  const value = new URL(window.location.href).searchParams.get(PARAM)
  const id = Number(value)
  return Number.isInteger(id) && id > 0 ? id : null
}

export function showTopicInAddress (topicId) {
  const url = new URL(window.location.href)
  if (topicId === null) url.searchParams.delete(PARAM)
  else url.searchParams.set(PARAM, String(topicId))
  const next = url.pathname + url.search + url.hash
  if (next !== window.location.pathname + window.location.search + window.location.hash) {
    window.history.replaceState(window.history.state, '', next)
  }
}
