import { el } from './dom.js'
import { formatDateTime, STATUS_LABELS } from './format.js'

/** One row of "내 보고서": the topic, its state and when it was made, and a button to reopen it. */
export function historyItem (topic, onOpen) {
  const status = STATUS_LABELS[topic.status] ?? topic.status
  return el('li', { class: 'history-item' },
    el('div', { class: 'history-text' },
      el('span', { class: 'history-topic' }, topic.topic),
      el('span', { class: 'history-meta' },
        el('span', { class: `badge badge-${topic.status}` }, status),
        ' ',
        el('time', { dateTime: topic.created_at }, formatDateTime(topic.created_at))
      )
    ),
    el('button', { type: 'button', 'aria-label': `‘${topic.topic}’ 열기 (${status})`, onclick: () => onOpen(topic.id) }, '열기')
  )
}
