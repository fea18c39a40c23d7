/**
 * The bearer token of the signed-in user. It lives in sessionStorage: it survives a reload of the
 * tab but not the tab itself, and no other site or tab can read it.
 */

const STORAGE_KEY = 'reportflow.token'

/**
 * The development sign-in link carries the token as `?token=`. It is taken out of the address at
 * once so it does not stay in the address bar, the history or a bookmark.
 */
export function takeTokenFromAddress () {
  const url = new URL(window.location.href)
  const token = url.searchParams.get('token')
  if (token === null) return null
  url.searchParams.delete('token')
  window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash)
  return token.trim() || null
}

export function storedToken () {
  return window.sessionStorage.getItem(STORAGE_KEY)
}

export function storeToken (token) {
  window.sessionStorage.setItem(STORAGE_KEY, token)
}

export function forgetToken () {
  window.sessionStorage.removeItem(STORAGE_KEY)
}
