/**
 * Claude answers /plan as soon as it has written the section titles and goes on writing each
 * section's description. This follows the topic's plan stream and hands each description over
 * as it arrives; it stops at the stream's last event, on an error, or when told to.
 */
export function followPlanRefinement (topicId, token, { onSection, onEnd }) {
  const url = `/api/topics/${encodeURIComponent(topicId)}/plan/stream?access_token=${encodeURIComponent(token)}`
  const source = new window.EventSource(url)
  let ended = false
  const end = (complete) => {
    if (ended) return
    ended = true
    source.close()
    onEnd(complete)
  }
  source.onmessage = (message) => {
    const event = JSON.parse(message.data)
    if (event.event === 'section') onSection(event.title, event.description)
    else if (event.event === 'plan' && !event.refining) end(true)
  }
  // The descriptions are also saved with the topic: reopening it later shows them.
  source.onerror = () => end(false)
  return () => end(false)
}
