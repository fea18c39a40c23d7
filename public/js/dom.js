/**
 * Small DOM helpers. Text only ever reaches the page through textContent or attributes, never
 * through innerHTML, so nothing the server or the report says can become markup.
 */

export const byId = (id) => document.getElementById(id)

/** `el('button', { type: 'button', onclick }, '텍스트')`: properties are set, strings become text nodes. */
export function el (tag, properties = {}, ...children) {
  const node = document.createElement(tag)
  for (const [key, value] of Object.entries(properties)) {
    if (value === undefined || value === null || value === false) continue
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value)
    else if (key === 'class') node.className = value
    else if (key.startsWith('aria-') || key.startsWith('data-') || key === 'for' || key === 'role') node.setAttribute(key, value === true ? '' : String(value))
    else node[key] = value
  }
  node.append(...children.filter((child) => child !== undefined && child !== null && child !== false))
  return node
}

export function show (node, visible = true) {
  node.hidden = !visible
}

/** A notice paragraph: the text shows it, no text hides it. */
export function setNotice (node, text) {
  node.textContent = text ?? ''
  node.hidden = !text
}

/**
 * Moves focus to a heading or control once the browser has laid out whatever was just shown,
 * and brings it to the top of the screen so what follows it is in view too.
 */
export function focusSoon (node) {
  window.requestAnimationFrame(() => {
    node.focus({ preventScroll: true })
    node.scrollIntoView({ block: 'start' })
  })
}

/** Hands a fetched file to the browser's download through a short-lived Blob URL. */
export function saveBlob (blob, filename) {
  const url = URL.createObjectURL(blob)
  const link = el('a', { href: url, download: filename, hidden: true })
  document.body.append(link)
  link.click()
  link.remove()
  // Revoking at once can cancel a download that has not started reading the Blob yet.
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}
