import { Writable } from 'node:stream'

export type LogRecord = Record<string, unknown> & { level: number, msg: string }

/**
 * A logger destination that keeps what the app logs, for tests of what gets logged: pino writes
 * one JSON object per line, each kept parsed, and a line that is not JSON fails the test there.
 */
export function captureLog () {
  const records: LogRecord[] = []
  const stream = new Writable({
    write (chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line) records.push(JSON.parse(line) as LogRecord)
      done()
    }
  })
  return { stream, records }
}
