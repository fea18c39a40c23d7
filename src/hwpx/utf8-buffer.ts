/**
 * Text appended as UTF-8 into one growing buffer. A part written in short
 * pieces is encoded a chunk at a time, so the whole part never exists as one
 * JavaScript string (for a report, several MB of UTF-16) that would then be
 * copied once more to encode it.
 */
export class Utf8Buffer {
  private bytes = Buffer.allocUnsafe(1 << 18)
  private length = 0

  append (text: string): void {
    // At most three UTF-8 bytes per UTF-16 code unit.
    const room = this.length + text.length * 3
    if (room > this.bytes.length) this.grow(room)
    this.length += this.bytes.write(text, this.length, 'utf8')
  }

  /** The bytes written so far (a view, not a copy). */
  contents (): Uint8Array {
    return this.bytes.subarray(0, this.length)
  }

  private grow (needed: number): void {
    let size = this.bytes.length * 2
    while (size < needed) size *= 2
    const bytes = Buffer.allocUnsafe(size)
    this.bytes.copy(bytes, 0, 0, this.length)
    this.bytes = bytes
  }
}
