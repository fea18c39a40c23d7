import type { ImageFormat } from './document-model.js'

export interface DecodedImage {
  readonly format: ImageFormat
  readonly data: Uint8Array
  /** Pixel size read from the image's own header. */
  readonly width: number
  readonly height: number
}

const DATA_URI = /^data:([^;,]*)((?:;[^;,]*)*),/i
const FORMATS: Record<string, ImageFormat> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/jpg': 'jpg', 'image/gif': 'gif', 'image/bmp': 'bmp' }

/**
 * The picture a `data:` URI holds, or null when it is not a raster image a
 * word processor embeds (PNG, JPEG, GIF, BMP) or its header cannot be read.
 * Only data: URIs are ever embedded: converting a report never fetches
 * anything from the network.
 */
export function decodeImageDataUri (uri: string): DecodedImage | null {
  const match = DATA_URI.exec(uri)
  if (match === null) return null
  const format = FORMATS[(match[1] as string).trim().toLowerCase()]
  if (format === undefined) return null
  const payload = uri.slice(match[0].length)
  const base64 = /;base64$/i.test(match[2] as string)
  let data: Uint8Array
  try {
    data = base64 ? Buffer.from(payload.replace(/\s+/g, ''), 'base64') : Buffer.from(decodeURIComponent(payload), 'latin1')
  } catch {
    return null
  }
  const size = pixelSize(format, data)
  return size === null ? null : { format, data, ...size }
}

function pixelSize (format: ImageFormat, data: Uint8Array): { width: number, height: number } | null {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength)
  const size = (width: number, height: number): { width: number, height: number } | null =>
    width > 0 && height > 0 ? { width, height } : null
  try {
    switch (format) {
      case 'png':
        // Signature, then the IHDR chunk: width and height, big-endian.
        if (view.getUint32(0) !== 0x89504E47 || view.getUint32(12) !== 0x49484452) return null
        return size(view.getUint32(16), view.getUint32(20))
      case 'gif':
        if (view.getUint32(0) !== 0x47494638) return null
        return size(view.getUint16(6, true), view.getUint16(8, true))
      case 'bmp':
        if (view.getUint16(0) !== 0x424D) return null
        return size(view.getInt32(18, true), Math.abs(view.getInt32(22, true)))
      case 'jpg':
        return jpegSize(view)
    }
  } catch {
    return null // truncated header
  }
}

/** Walks the JPEG segments to the first start-of-frame marker. */
function jpegSize (view: DataView): { width: number, height: number } | null {
  if (view.getUint16(0) !== 0xFFD8) return null
  let offset = 2
  while (offset + 9 < view.byteLength) {
    if (view.getUint8(offset) !== 0xFF) return null
    const marker = view.getUint8(offset + 1)
    if (marker >= 0xC0 && marker <= 0xCF && marker !== 0xC4 && marker !== 0xC8 && marker !== 0xCC) {
      const height = view.getUint16(offset + 5)
      const width = view.getUint16(offset + 7)
      return width > 0 && height > 0 ? { width, height } : null
    }
    offset += 2 + view.getUint16(offset + 2)
  }
  return null
}
