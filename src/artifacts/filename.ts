const UNSAFE = /[\\/:*?"<>|\p{Cc}\p{Cf}]+/gu

/** A file name from the report title that every OS accepts; the extension is added by the caller. */
export function reportBaseName (title: string, fallback: string): string {
  const cleaned = title.replace(/[#*_`]/g, '').replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim()
  const base = Array.from(cleaned || fallback).slice(0, 80).join('').trim()
  return base || 'report'
}

/** `…보고서_v2.hwpx`: every version of a report keeps its own name in the downloads folder. */
export function versionedFileName (base: string, version: number, extension: string): string {
  return `${base}_v${version}.${extension}`
}

/**
 * RFC 6266 with an RFC 5987 `filename*` for the real (often Korean) name, and an ASCII
 * `filename` for clients that ignore it.
 */
export function contentDisposition (filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_')
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`
}
