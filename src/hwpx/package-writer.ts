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

const METHOD = { stored: 0, deflated: 8 } as const

/** Each part's text, or its UTF-8 bytes when already encoded. */
export type PackageParts = Readonly<Record<Exclude<keyof typeof PART, 'mimetype'>, string | Uint8Array>>

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
 * equal input gives equal bytes. XML parts are deflated by Node's zlib,
 * pictures stored (they are compressed already).
 *
 * The container is written here rather than by jszip: it is a few fixed
 * headers around zlib's output, and jszip's asynchronous pipeline cost the
 * conversion more time than the compression itself (bench/hwpx.ts).
 */
export async function writePackage (parts: PackageParts, date: Date | null, binaries: readonly BinaryEntry[] = []): Promise<Uint8Array> {
  const zip = new ZipWriter(zipDate(date))
  zip.add(PART.mimetype, Buffer.from(HWPX_MIME_TYPE, 'latin1'), false)
  const text = (name: string, content: string | Uint8Array): void => {
    zip.add(name, typeof content === 'string' ? Buffer.from(content, 'utf8') : content, content.length > 0)
  }
  text(PART.version, parts.version)
  text(PART.header, parts.header)
  text(PART.section, parts.section)
  for (const binary of binaries) zip.add(binary.path, binary.data, false)
  text(PART.previewText, parts.previewText)
  text(PART.settings, parts.settings)
  text(PART.containerRdf, parts.containerRdf)
  text(PART.contentHpf, parts.contentHpf)
  text(PART.container, parts.container)
  text(PART.manifest, parts.manifest)
  return zip.finish()
}

interface CentralEntry {
  readonly name: Buffer
  readonly method: number
  readonly crc32: number
  readonly compressedSize: number
  readonly size: number
  readonly offset: number
}

/** A ZIP (PKWARE APPNOTE 6.3) of whole entries: local headers, data, central directory. */
class ZipWriter {
  private readonly chunks: Uint8Array[] = []
  private readonly entries: CentralEntry[] = []
  private offset = 0
  private readonly time: number
  private readonly day: number

  constructor (date: Date) {
    this.time = (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | Math.floor(date.getUTCSeconds() / 2)
    this.day = ((date.getUTCFullYear() - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate()
  }

  add (path: string, data: Uint8Array, deflate: boolean): void {
    const name = Buffer.from(path, 'utf8')
    // One native gzip call gives the raw DEFLATE stream (or, at level 0,
    // the stored bytes' CRC) and its CRC-32: Node 20 has no zlib.crc32.
    const gzip = gzipSync(data, { level: deflate ? DEFLATE_LEVEL : 0 })
    const trailer = gzip.length - 8
    if (gzip[0] !== 0x1f || gzip[1] !== 0x8b || gzip[3] !== 0 || gzip.readUInt32LE(trailer + 4) !== data.length % 0x100000000) {
      throw new Error('unexpected gzip framing from zlib')
    }
    const crc32 = gzip.readUInt32LE(trailer)
    const body = deflate ? gzip.subarray(10, trailer) : data
    const method = deflate ? METHOD.deflated : METHOD.stored
    const header = Buffer.alloc(30)
    header.writeUInt32LE(0x04034b50, 0)
    header.writeUInt16LE(deflate ? 20 : 10, 4) // version needed to extract
    header.writeUInt16LE(0, 6) // flags: no data descriptor
    header.writeUInt16LE(method, 8)
    header.writeUInt16LE(this.time, 10)
    header.writeUInt16LE(this.day, 12)
    header.writeUInt32LE(crc32, 14)
    header.writeUInt32LE(body.length, 18)
    header.writeUInt32LE(data.length, 22)
    header.writeUInt16LE(name.length, 26)
    header.writeUInt16LE(0, 28) // no extra field
    this.entries.push({ name, method, crc32, compressedSize: body.length, size: data.length, offset: this.offset })
    this.chunks.push(header, name, body)
    this.offset += header.length + name.length + body.length
  }

  finish (): Uint8Array {
    const directoryStart = this.offset
    for (const entry of this.entries) {
      const header = Buffer.alloc(46)
      header.writeUInt32LE(0x02014b50, 0)
      header.writeUInt16LE(20, 4) // made by: MS-DOS, spec 2.0
      header.writeUInt16LE(entry.method === METHOD.deflated ? 20 : 10, 6)
      header.writeUInt16LE(0, 8)
      header.writeUInt16LE(entry.method, 10)
      header.writeUInt16LE(this.time, 12)
      header.writeUInt16LE(this.day, 14)
      header.writeUInt32LE(entry.crc32, 16)
      header.writeUInt32LE(entry.compressedSize, 20)
      header.writeUInt32LE(entry.size, 24)
      header.writeUInt16LE(entry.name.length, 28)
      // extra field, comment, disk number, internal and external attributes: none
      header.writeUInt32LE(entry.offset, 42)
      this.chunks.push(header, entry.name)
      this.offset += header.length + entry.name.length
    }
    const end = Buffer.alloc(22)
    end.writeUInt32LE(0x06054b50, 0)
    end.writeUInt16LE(this.entries.length, 8)
    end.writeUInt16LE(this.entries.length, 10)
    end.writeUInt32LE(this.offset - directoryStart, 12)
    end.writeUInt32LE(directoryStart, 16)
    this.chunks.push(end)
    // Copied once into an array of its own (not a view into Node's shared
    // buffer pool), so whoever stores or transfers it gets exactly the zip.
    const zip = new Uint8Array(this.offset + end.length)
    let at = 0
    for (const chunk of this.chunks) {
      zip.set(chunk, at)
      at += chunk.length
    }
    return zip
  }
}

function zipDate (date: Date | null): Date {
  if (date === null || date < FIXED_EPOCH) return FIXED_EPOCH
  return date > DOS_DATE_LIMIT ? DOS_DATE_LIMIT : date
}
