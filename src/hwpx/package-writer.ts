import JSZip from 'jszip'
import { createRequire } from 'node:module'
import { gzipSync } from 'node:zlib'
import { HWPX_MIME_TYPE, PART } from './package-parts.js'

/** Zip timestamps for when no document date is given: the DOS epoch. */
const FIXED_EPOCH = new Date(Date.UTC(1980, 0, 1))
/** The latest moment a DOS timestamp can hold. */
const DOS_DATE_LIMIT = new Date(Date.UTC(2107, 11, 31, 23, 59, 58))

/**
 * DEFLATE level for Node's native zlib. Levels 1–3 use zlib's fast strategy and cost the same; 3 is the smallest of them. See
 * bench/hwpx-results.md for the size/time trade-off.
 */
export const DEFLATE_LEVEL = 3

// jszip takes already-compressed entries as its own CompressedObject: when
// the entry's compression matches the archive's (same `magic`), it copies
// the bytes and the given CRC-32 and sizes instead of deflating again in
// JavaScript (pako). Both modules come from the same require cache as the
// `jszip` import, so jszip's `instanceof` check holds.
const require = createRequire(import.meta.url)
type CompressedObjectConstructor = new (compressedSize: number, uncompressedSize: number, crc32: number, compression: unknown, data: Uint8Array) => object
const CompressedObject = require('jszip/lib/compressedObject') as CompressedObjectConstructor
const { DEFLATE } = require('jszip/lib/compressions') as { DEFLATE: unknown }

export type PackageParts = Readonly<Record<Exclude<keyof typeof PART, 'mimetype'>, string>>

/** A binary entry (a picture under BinData/), stored as it is: images are compressed already. */
export interface BinaryEntry {
  readonly path: string
  readonly data: Uint8Array
}

/**
 * The .hwpx zip. Entries go in the order Hancom writes them; `mimetype`
 * comes first, stored uncompressed with no extra field, so the file type can
 * be sniffed from fixed offsets. No directory entries and no data
 * descriptors are written, and every entry carries the same timestamp, so
 * equal input gives equal bytes. The other entries are deflated by Node's
 * zlib and handed to jszip pre-compressed.
 */
export async function writePackage (parts: PackageParts, date: Date | null, binaries: readonly BinaryEntry[] = []): Promise<Uint8Array> {
  const zip = new JSZip()
  const timestamp = zipDate(date)
  const options = { date: timestamp, createFolders: false } as const
  zip.file(PART.mimetype, HWPX_MIME_TYPE, { ...options, compression: 'STORE' })
  const add = (name: string, content: string): void => {
    // jszip stores an empty entry itself (STORE, no data).
    if (content === '') zip.file(name, content, options)
    else zip.file(name, deflated(content) as unknown as string, { ...options, binary: true })
  }
  add(PART.version, parts.version)
  add(PART.header, parts.header)
  add(PART.section, parts.section)
  for (const binary of binaries) zip.file(binary.path, binary.data, { ...options, compression: 'STORE', binary: true })
  add(PART.previewText, parts.previewText)
  add(PART.settings, parts.settings)
  add(PART.containerRdf, parts.containerRdf)
  add(PART.contentHpf, parts.contentHpf)
  add(PART.container, parts.container)
  add(PART.manifest, parts.manifest)
  return await zip.generateAsync({
    type: 'uint8array',
    compression: 'DEFLATE',
    streamFiles: false,
    platform: 'DOS'
  })
}

/**
 * UTF-8 `content` as raw DEFLATE with its CRC-32 and sizes. A gzip member is
 * a fixed 10-byte header (zlib writes no name, comment or extra field), the
 * raw DEFLATE stream, then CRC-32 and length (little-endian), so one native
 * call gives both the data and the checksum (Node 20 has no zlib.crc32).
 */
function deflated (content: string): object {
  const data = Buffer.from(content, 'utf8')
  const gzip = gzipSync(data, { level: DEFLATE_LEVEL })
  const trailer = gzip.length - 8
  const crc32 = gzip.readUInt32LE(trailer)
  if (gzip[0] !== 0x1f || gzip[1] !== 0x8b || gzip[3] !== 0 || gzip.readUInt32LE(trailer + 4) !== data.length % 0x100000000) {
    throw new Error('unexpected gzip framing from zlib')
  }
  const raw = gzip.subarray(10, trailer)
  return new CompressedObject(raw.length, data.length, crc32, DEFLATE, raw)
}

function zipDate (date: Date | null): Date {
  if (date === null || date < FIXED_EPOCH) return FIXED_EPOCH
  return date > DOS_DATE_LIMIT ? DOS_DATE_LIMIT : date
}
