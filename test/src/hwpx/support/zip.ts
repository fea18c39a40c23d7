// Reading a package the way the tests need it: the central directory
// straight from the bytes (entry order, methods, flags, extra fields), the
// entries' contents through jszip.
import JSZip from 'jszip'

export interface ZipEntry {
  readonly name: string
  readonly method: number
  readonly flags: number
  readonly localExtraLength: number
  readonly localOffset: number
}

export interface HwpxPackage {
  readonly bytes: Uint8Array
  /** Entries in central-directory order, read straight from the bytes. */
  readonly entries: readonly ZipEntry[]
  /** Raw bytes of every entry. */
  readonly files: ReadonlyMap<string, Uint8Array>
}

export async function unzipHwpx (bytes: Uint8Array): Promise<HwpxPackage> {
  const entries = readCentralDirectory(bytes)
  const zip = await JSZip.loadAsync(bytes)
  const files = new Map<string, Uint8Array>()
  for (const entry of entries) {
    const file = zip.file(entry.name)
    if (file !== null) files.set(entry.name, await file.async('uint8array'))
  }
  return { bytes, entries, files }
}

export function text (pkg: HwpxPackage, name: string): string {
  const data = pkg.files.get(name)
  if (data === undefined) throw new Error(`no ${name} in package`)
  return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(data)
}

function readCentralDirectory (bytes: Uint8Array): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let eocd = -1
  for (let offset = bytes.length - 22; offset >= 0; offset--) {
    if (view.getUint32(offset, true) === 0x06054b50) { eocd = offset; break }
  }
  if (eocd < 0) throw new Error('no end of central directory record')
  const count = view.getUint16(eocd + 10, true)
  let offset = view.getUint32(eocd + 16, true)
  const entries: ZipEntry[] = []
  for (let index = 0; index < count; index++) {
    if (view.getUint32(offset, true) !== 0x02014b50) throw new Error('bad central directory header')
    const nameLength = view.getUint16(offset + 28, true)
    const extraLength = view.getUint16(offset + 30, true)
    const commentLength = view.getUint16(offset + 32, true)
    const localOffset = view.getUint32(offset + 42, true)
    const name = new TextDecoder().decode(bytes.subarray(offset + 46, offset + 46 + nameLength))
    entries.push({
      name,
      method: view.getUint16(offset + 10, true),
      flags: view.getUint16(offset + 8, true),
      localExtraLength: view.getUint16(localOffset + 28, true),
      localOffset
    })
    offset += 46 + nameLength + extraLength + commentLength
  }
  return entries
}
