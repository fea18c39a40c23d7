import { downloadButton } from './artifacts.js'
import { el } from './dom.js'
import { formatDateTime, STATUS_LABELS } from './format.js'

/**
 * One row of "내 보고서": title, state, version and date, and the actions on it — open, download
 * the newest HWPX directly, rename and delete. Every button's name carries the report's title
 * (hidden from the eye), so a screen reader's list of buttons says which report each one is for.
 */
export function historyItem (topic, { onOpen, onDownload, onRename, onDelete }) {
  const status = STATUS_LABELS[topic.status] ?? topic.status
  const about = el('span', { class: 'visually-hidden' }, `: ${topic.topic}`)
  const hwpx = topic.latest_files?.find((file) => file.kind === 'hwpx')
  const row = el('li', { class: 'history-item', 'data-topic-id': topic.id })
  const text = el('div', { class: 'history-text' },
    el('span', { class: 'history-topic' }, topic.topic),
    el('span', { class: 'history-meta' },
      el('span', { class: `badge badge-${topic.status}` }, status),
      topic.latest_version ? ` v${topic.latest_version}` : '',
      ' · ',
      el('time', { dateTime: topic.updated_at }, formatDateTime(topic.updated_at))
    )
  )
  const actions = el('div', { class: 'history-actions' },
    el('button', { type: 'button', onclick: () => onOpen(topic.id) }, '열기', about.cloneNode(true)),
    hwpx && downloadButton(hwpx, onDownload, { className: '', context: topic.topic }),
    el('button', { type: 'button', onclick: () => startRename() }, '이름 바꾸기', about.cloneNode(true)),
    el('button', { type: 'button', class: 'button-danger', disabled: topic.status === 'generating', onclick: () => onDelete(topic) }, '삭제', about.cloneNode(true))
  )
  row.append(text, actions)

  function startRename () {
    const inputId = `rename-${topic.id}`
    const input = el('input', { id: inputId, type: 'text', maxLength: 200, value: topic.topic, autocomplete: 'off' })
    const cancel = () => {
      form.replaceWith(text, actions)
      actions.querySelectorAll('button')[hwpx ? 2 : 1].focus()
    }
    const form = el('form', {
      class: 'rename-form',
      onsubmit: async (event) => {
        event.preventDefault()
        const name = input.value.trim()
        if (!name) {
          input.setAttribute('aria-invalid', 'true')
          input.focus()
          return
        }
        await onRename(topic, name)
      },
      onkeydown: (event) => {
        if (event.key === 'Escape') cancel()
      }
    },
    el('label', { for: inputId, class: 'visually-hidden' }, `‘${topic.topic}’의 새 이름`),
    input,
    el('button', { type: 'submit', class: 'button-primary' }, '저장'),
    el('button', { type: 'button', onclick: cancel }, '취소')
    )
    text.replaceWith(form)
    actions.remove()
    input.focus()
    input.select()
  }

  return row
}
