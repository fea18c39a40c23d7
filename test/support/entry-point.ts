import fs from 'node:fs'
import path from 'node:path'

/**
 * The suite's --liftoff-only (.taprc) goes to the children too: without it a service child spent
 * about 1.6 s of CPU per start (of 4.3–5.9 s) compiling PGlite's WebAssembly with V8's optimising
 * tier, work a child that lives seconds never earns back, and which changes nothing it does.
 */
const passedOnV8Flags = process.execArgv.filter((flag) => flag === '--liftoff-only')

/**
 * Node's arguments for running one of the checkout's entry points (`server.ts`, a script) in a child
 * process the way this test runs: compiled when the suite was (`npm test`, see test/run.ts), else
 * from the source through tsx, which costs each child most of a second of CPU.
 */
export function entryPointArgs (root: string, entry: string): string[] {
  const compiled = path.join(root, entry.replace(/\.ts$/, '.js'))
  return [...passedOnV8Flags, ...fs.existsSync(compiled) ? ['--enable-source-maps', compiled] : ['--import', 'tsx', path.join(root, entry)]]
}
