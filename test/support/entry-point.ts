import fs from 'node:fs'
import path from 'node:path'

/**
 * Node's arguments for running one of the checkout's entry points (`server.ts`, a script) in a child
 * process the way this test runs: compiled when the suite was (`npm test`, see test/run.ts), else
 * from the source through tsx, which costs each child most of a second of CPU.
 */
export function entryPointArgs (root: string, entry: string): string[] {
  const compiled = path.join(root, entry.replace(/\.ts$/, '.js'))
  return fs.existsSync(compiled) ? ['--enable-source-maps', compiled] : ['--import', 'tsx', path.join(root, entry)]
}
