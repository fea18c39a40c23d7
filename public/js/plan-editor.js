import { el } from './dom.js'

/**
 * The editable outline: a report title and ordered sections, each a title and a body (the
 * description, plus any key points the plan listed under it), as the API reads it from the plan
 * (`outline`). What is sent to /generate is the Markdown rebuilt from it, in the shape /plan
 * answers: `# title`, then `## section` + body.
 */

const oneLine = (text) => text.replace(/\s+/g, ' ').trim()

/** Body lines that would read as `#`/`##` headings are escaped, so they cannot split a section. */
export function outlineToPlan ({ title, sections }) {
  const parts = [`# ${oneLine(title)}`]
  for (const section of sections) {
    parts.push(`## ${oneLine(section.title)}`)
    const body = section.body.trim().replace(/^(\s{0,3})(#{1,2})(?=\s|$)/gm, '$1\\$2')
    if (body) parts.push(body)
  }
  return parts.join('\n\n') + '\n'
}

let nextKey = 1

/**
 * One line per section — drag handle, number, title, and buttons to fold out the description,
 * move it up or down and delete it — so the whole outline and the 보고서 생성 bar fit on a screen.
 * The move buttons stay for keyboards and screen readers, and every change is announced.
 */
export class PlanEditor {
  #title
  #list
  #announcer
  #onChange
  #sections = []
  #disabled = false

  constructor ({ titleInput, list, announcer, onChange = () => {} }) {
    this.#title = titleInput
    this.#list = list
    this.#announcer = announcer
    this.#onChange = onChange
    this.#title.addEventListener('input', () => this.#onChange())
  }

  load ({ title, sections }) {
    this.#title.value = title
    this.#sections = sections.map((section) => ({ ...section, key: nextKey++, open: false }))
    this.#render()
  }

  get outline () {
    return {
      title: this.#title.value,
      sections: this.#sections.map(({ title, body }) => ({ title, body }))
    }
  }

  /**
   * Puts text Claude wrote after the plan arrived into the section it was written for, if the
   * user has neither renamed that section nor written in it; answers whether it did.
   */
  fillEmptySection (title, body) {
    const section = this.#sections.find((candidate) => oneLine(candidate.title) === title && !candidate.body.trim())
    if (!section) return false
    section.body = body
    const field = this.#field(section.key, 'body')
    if (field) field.value = body
    return true
  }

  setDisabled (disabled) {
    this.#disabled = disabled
    this.#title.disabled = disabled
    this.#render()
  }

  /** The first field that must be filled in before generating, with what to tell the user. */
  problem () {
    if (!oneLine(this.#title.value)) return { field: this.#title, message: '보고서 제목을 입력하세요.' }
    if (this.#sections.length === 0) return { field: null, message: '섹션을 하나 이상 추가하세요.' }
    const index = this.#sections.findIndex((section) => !oneLine(section.title))
    if (index >= 0) {
      return { field: this.#field(this.#sections[index].key, 'title'), message: `섹션 ${index + 1}의 제목을 입력하세요.` }
    }
    return null
  }

  add () {
    const section = { title: '', body: '', key: nextKey++, open: false }
    this.#sections.push(section)
    this.#render()
    this.#field(section.key, 'title').focus()
    this.#announce(`새 섹션을 ${this.#sections.length}번째에 추가했습니다.`)
    this.#onChange()
  }

  #moveTo (key, to, { keepFocusOn } = {}) {
    const from = this.#sections.findIndex((section) => section.key === key)
    if (from === -1 || to < 0 || to >= this.#sections.length || to === from) return
    const rowTopBefore = this.#row(key)?.getBoundingClientRect().top
    const [section] = this.#sections.splice(from, 1)
    this.#sections.splice(to, 0, section)
    this.#render()
    // The moved row stays where it was on the screen (the page scrolls instead), so the button
    // under the pointer still belongs to it and three quick clicks move it three places.
    const rowTopAfter = this.#row(key)?.getBoundingClientRect().top
    if (keepFocusOn && rowTopBefore !== undefined && rowTopAfter !== undefined) window.scrollBy(0, rowTopAfter - rowTopBefore)
    if (keepFocusOn) {
      const atEdge = keepFocusOn === 'up' ? to === 0 : to === this.#sections.length - 1
      this.#field(key, atEdge ? (keepFocusOn === 'up' ? 'down' : 'up') : keepFocusOn).focus()
    }
    this.#announce(`‘${oneLine(section.title) || '제목 없음'}’ 섹션을 ${to + 1}번째로 옮겼습니다.`)
    this.#onChange()
  }

  #remove (key) {
    const index = this.#sections.findIndex((section) => section.key === key)
    const [section] = this.#sections.splice(index, 1)
    this.#render()
    const next = this.#sections[Math.min(index, this.#sections.length - 1)]
    if (next) this.#field(next.key, 'title').focus()
    this.#announce(`‘${oneLine(section.title) || '제목 없음'}’ 섹션을 삭제했습니다.`)
    this.#onChange()
  }

  #toggle (key) {
    const section = this.#sections.find((candidate) => candidate.key === key)
    section.open = !section.open
    this.#render()
    this.#field(key, section.open ? 'body' : 'fold').focus()
  }

  #field (key, part) {
    return this.#list.querySelector(`[data-key="${key}"][data-part="${part}"]`)
  }

  #row (key) {
    return this.#list.querySelector(`li[data-key="${key}"]`)
  }

  #announce (text) {
    this.#announcer.textContent = text
  }

  /**
   * Dragging by the handle (mouse, pen or finger): the row follows the pointer through the DOM,
   * and the new order is taken from the DOM when it is let go.
   */
  #startDrag (event, key) {
    if (this.#disabled || event.button !== 0) return
    event.preventDefault()
    const row = this.#row(key)
    row.classList.add('dragging')
    const move = (moveEvent) => {
      const rows = [...this.#list.children].filter((candidate) => candidate !== row)
      const before = rows.find((candidate) => {
        const box = candidate.getBoundingClientRect()
        return moveEvent.clientY < box.top + box.height / 2
      })
      if (before) {
        if (row.nextElementSibling !== before) this.#list.insertBefore(row, before)
      } else if (this.#list.lastElementChild !== row) {
        this.#list.append(row)
      }
    }
    const end = () => {
      window.removeEventListener('pointermove', move)
      window.removeEventListener('pointerup', end)
      window.removeEventListener('pointercancel', end)
      row.classList.remove('dragging')
      const to = [...this.#list.children].indexOf(row)
      const from = this.#sections.findIndex((section) => section.key === key)
      if (to === from) {
        this.#render()
        return
      }
      this.#moveTo(key, to)
    }
    window.addEventListener('pointermove', move)
    window.addEventListener('pointerup', end)
    window.addEventListener('pointercancel', end)
  }

  #render () {
    const count = this.#sections.length
    this.#list.replaceChildren(...this.#sections.map((section, index) => {
      const id = `section-${section.key}`
      const number = index + 1
      return el('li', { class: 'section-item', 'data-key': section.key },
        el('div', { class: 'section-row' },
          el('span', {
            class: 'drag-handle',
            'aria-hidden': 'true',
            title: '끌어서 순서 바꾸기',
            'data-key': section.key,
            'data-part': 'handle',
            onpointerdown: (event) => this.#startDrag(event, section.key)
          }, '⠿'),
          el('span', { class: 'section-number', 'aria-hidden': 'true' }, String(number)),
          el('label', { for: `${id}-title`, class: 'visually-hidden' }, `섹션 ${number} 제목`),
          el('input', {
            id: `${id}-title`,
            type: 'text',
            maxLength: 200,
            autocomplete: 'off',
            value: section.title,
            disabled: this.#disabled,
            'data-key': section.key,
            'data-part': 'title',
            oninput: (event) => {
              section.title = event.target.value
              this.#onChange()
            }
          }),
          el('button', {
            type: 'button',
            class: 'fold-button',
            'aria-expanded': section.open ? 'true' : 'false',
            'aria-controls': `${id}-details`,
            'data-key': section.key,
            'data-part': 'fold',
            onclick: () => this.#toggle(section.key)
          },
          el('span', { class: 'fold-icon', 'aria-hidden': 'true' }, '▸'),
          el('span', { class: 'visually-hidden' }, `섹션 ${number} `),
          el('span', { class: 'fold-label' }, '설명')),
          this.#iconButton(section, 'up', '↑', `섹션 ${number} 위로 이동`, index === 0, () => this.#moveTo(section.key, index - 1, { keepFocusOn: 'up' })),
          this.#iconButton(section, 'down', '↓', `섹션 ${number} 아래로 이동`, index === count - 1, () => this.#moveTo(section.key, index + 1, { keepFocusOn: 'down' })),
          this.#iconButton(section, 'remove', '✕', `섹션 ${number} 삭제`, count === 1, () => this.#remove(section.key))
        ),
        el('div', { class: 'section-body', id: `${id}-details`, hidden: !section.open },
          el('label', { for: `${id}-body` }, `섹션 ${number} 설명`),
          el('textarea', {
            id: `${id}-body`,
            rows: Math.min(8, Math.max(2, section.body.split('\n').length + 1)),
            value: section.body,
            disabled: this.#disabled,
            'data-key': section.key,
            'data-part': 'body',
            oninput: (event) => {
              section.body = event.target.value
              this.#onChange()
            }
          })
        )
      )
    }))
  }

  /** A symbol the eye reads and a sentence the ear hears: the symbol is hidden from speech. */
  #iconButton (section, part, symbol, name, disabled, onclick) {
    return el('button', {
      type: 'button',
      class: part === 'remove' ? 'icon-button button-danger' : 'icon-button',
      title: name,
      disabled: disabled || this.#disabled,
      'data-key': section.key,
      'data-part': part,
      onclick
    }, el('span', { 'aria-hidden': 'true' }, symbol), el('span', { class: 'visually-hidden' }, name))
  }
}
