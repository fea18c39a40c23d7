/** A NUL, or a high surrogate not followed by a low one, or a low surrogate not preceded by a high one. */
const UNSTORABLE = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** Said of a field that holds such text (the field's name goes before it). */
export const UNSTORABLE_TEXT_MESSAGE = '저장할 수 없는 문자(NUL 문자나 짝이 맞지 않는 UTF-16 서로게이트)가 들어 있습니다. 그 문자를 지우고 다시 보내 주세요.'

export const isStorableText = (text: string) => !UNSTORABLE.test(text)

/**
 * The JSON pointer (`/plan`, `/sections/2/title`) of the first string in a request part that a
 * PostgreSQL text column could not hold faithfully, or undefined when every string is fine.
 * Keys are checked as well as values: both end up in logs and error messages.
 */
export function findUnstorableText (value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return isStorableText(value) ? undefined : path
  if (typeof value !== 'object' || value === null) return undefined
  for (const [key, item] of Object.entries(value)) {
    const itemPath = `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`
    if (!isStorableText(key)) return itemPath
    const found = findUnstorableText(item, itemPath)
    if (found !== undefined) return found
  }
  return undefined
}
