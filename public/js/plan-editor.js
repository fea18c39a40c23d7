import { el } from './dom.js'

/**
 * The editable outline: a report title and ordered sections, each a title and a body (the
 * description, plus any key points the plan listed under it). What is sent to /generate is the
 * Markdown rebuilt from it, in the shape /plan answers: `# title`, then `## section` + body.
 */

const oneLine = (text) => text.replace(/\s+/g, ' ').trim()

/**
 * Reads the outline from the plan Markdown, which also carries the title and the key points;
 * `sections` (title and description only) stand in when the Markdown has no `##` sections.
 */
export function outlineFromPlan (markdown, sections = []) {
  let title = ''
  const parsed = []
  let current
  for (const line of (markdown ?? '').replace(/\r\n?/g, '\n').split('\n')) {
    const heading = /^(#{1,2})\s+(.*\S)\s*$/.exec(line)
    if (heading?.[1] === '#' && !title && parsed.length === 0) {
      title = oneLine(heading[2])
    } else if (heading?.[1] === '##') {
      current = { title: oneLine(heading[2]), lines: [] }
      parsed.push(current)
    } else {
      current?.lines.push(line)
    }
  }
  const outlined = parsed.length > 0
    ? parsed.map((section) => ({ title: section.title, body: section.lines.join('\n').trim() }))
    : [...sections].sort((a, b) => a.order - b.order).map((section) => ({ title: section.title, body: section.description }))
  return { title, sections: outlined }
}

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

export class PlanEditor {
  #title
  #list
  #announcer
  #sections = []
  #disabled = false

  constructor ({ titleInput, list, announcer }) {
    this.#title = titleInput
    this.#list = list
    this.#announcer = announcer
  }

  load ({ title, sections }) {
    this.#title.value = title
    this.#sections = sections.map((section) => ({ ...section, key: nextKey++ }))
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
    const section = { title: '', body: '', key: nextKey++ }
    this.#sections.push(section)
    this.#render()
    this.#field(section.key, 'title').focus()
    this.#announce(`새 섹션을 ${this.#sections.length}번째에 추가했습니다.`)
  }

  #move (key, step) {
    const from = this.#sections.findIndex((section) => section.key === key)
    const to = from + step
    if (to < 0 || to >= this.#sections.length) return
    const [section] = this.#sections.splice(from, 1)
    this.#sections.splice(to, 0, section)
    this.#render()
    // Keep the focus on the button that was pressed, unless the section reached the end it moved to.
    const atEdge = step < 0 ? to === 0 : to === this.#sections.length - 1
    const pressed = step < 0 ? 'up' : 'down'
    this.#field(key, atEdge ? (pressed === 'up' ? 'down' : 'up') : pressed).focus()
    this.#announce(`‘${oneLine(section.title) || '제목 없음'}’ 섹션을 ${to + 1}번째로 옮겼습니다.`)
  }

  #remove (key) {
    const index = this.#sections.findIndex((section) => section.key === key)
    const [section] = this.#sections.splice(index, 1)
    this.#render()
    const next = this.#sections[Math.min(index, this.#sections.length - 1)]
    if (next) this.#field(next.key, 'title').focus()
    this.#announce(`‘${oneLine(section.title) || '제목 없음'}’ 섹션을 삭제했습니다.`)
  }

  #field (key, part) {
    return this.#list.querySelector(`[data-key="${key}"][data-part="${part}"]`)
  }

  #announce (text) {
    this.#announcer.textContent = text
  }

  #render () {
    const count = this.#sections.length
    this.#list.replaceChildren(...this.#sections.map((section, index) => {
      const id = `section-${section.key}`
      const number = index + 1
      return el('li', { class: 'section-item' },
        el('label', { for: `${id}-title` }, `섹션 ${number} 제목`),
        el('input', {
          id: `${id}-title`,
          type: 'text',
          maxLength: 200,
          autocomplete: 'off',
          value: section.title,
          disabled: this.#disabled,
          'data-key': section.key,
          'data-part': 'title',
          oninput: (event) => { section.title = event.target.value }
        }),
        el('label', { for: `${id}-body` }, `섹션 ${number} 설명`),
        el('textarea', {
          id: `${id}-body`,
          rows: Math.min(10, Math.max(3, section.body.split('\n').length + 1)),
          value: section.body,
          disabled: this.#disabled,
          'data-key': section.key,
          'data-part': 'body',
          oninput: (event) => { section.body = event.target.value }
        }),
        el('div', { class: 'section-tools' },
          this.#button(section, 'up', '위로', `섹션 ${number} 위로 이동`, index === 0, () => this.#move(section.key, -1)),
          this.#button(section, 'down', '아래로', `섹션 ${number} 아래로 이동`, index === count - 1, () => this.#move(section.key, 1)),
          this.#button(section, 'remove', '삭제', `섹션 ${number} 삭제`, count === 1, () => this.#remove(section.key))
        )
      )
    }))
  }

  #button (section, part, text, label, disabled, onclick) {
    return el('button', {
      type: 'button',
      class: part === 'remove' ? 'button-danger' : undefined,
      'aria-label': label,
      disabled: disabled || this.#disabled,
      'data-key': section.key,
      'data-part': part,
      onclick
    }, text)
  }
}
