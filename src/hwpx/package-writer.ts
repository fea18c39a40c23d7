import JSZip from 'jszip'
import { HWPX_MIME_TYPE, PART } from './package-parts.js'

/** Zip timestamps for when no document date is given: the DOS epoch. */
const FIXED_EPOCH = new Date(Date.UTC(1980, 0, 1))
/** The latest moment a DOS timestamp can hold. */
const DOS_DATE_LIMIT = new Date(Date.UTC(2107, 11, 31, 23, 59, 58))

export type PackageParts = Readonly<Record<Exclude<keyof typeof PART, 'mimetype'>, string>>

/**
 * The .hwpx zip. Entries go in the order Hancom writes them; `mimetype`
 * comes first, stored uncompressed with no extra field, so the file type can
 * be sniffed from fixed offsets. No directory entries and no data
 * descriptors are written, and every entry carries the same timestamp, so
 * equal input gives equal bytes.
 */
export async function writePackage (parts: PackageParts, date: Date | null): Promise<Uint8Array> {
  const zip = new JSZip()
  const timestamp = zipDate(date)
  const options = { date: timestamp, createFolders: false } as const
  zip.file(PART.mimetype, HWPX_MIME_TYPE, { ...options, compression: 'STORE' })
  zip.file(PART.version, parts.version, options)
  zip.file(PART.header, parts.header, options)
  zip.file(PART.section, parts.section, options)
  zip.file(PART.previewText, parts.previewText, options)
  zip.file(PART.settings, parts.settings, options)
  zip.file(PART.containerRdf, parts.containerRdf, options)
  zip.file(PART.contentHpf, parts.contentHpf, options)
  zip.file(PART.container, parts.container, options)
  zip.file(PART.manifest, parts.manifest, options)
  return await zip.generateAsync({
    type: 'uint8array',
    compression: 'DEFLATE',
    compressionOptions: { level: 3 },
    streamFiles: false,
    platform: 'DOS'
  })
}

function zipDate (date: Date | null): Date {
  if (date === null || date < FIXED_EPOCH) return FIXED_EPOCH
  return date > DOS_DATE_LIMIT ? DOS_DATE_LIMIT : date
}
