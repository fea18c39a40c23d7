import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'

/**
 * The preload that keeps tap's file recorder out of test processes (without-processinfo.cjs), in a
 * process started the way tap starts a test file: the preload, then processinfo's own preload.
 */
// Its own name for itself: under `npm test` this folder is a copy whose files link to the checkout's.
const PRELOAD = fs.realpathSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'without-processinfo.cjs'))
const PROCESSINFO = import.meta.resolve('@tapjs/processinfo/import')

/** What the recorder saw the process load, and what its children would inherit. */
function recorded (coverage: '0' | '1') {
  const script = `
    await import('fastify-plugin')
    await import('@sinclair/typebox')
    const info = globalThis[Symbol.for('@tapjs/processinfo.ProcessInfoNodeData')]
    // The loader thread reports each file over a message port: a busy machine may take a while to
    // deliver what it records, and where nothing should be recorded half a second shows a leak.
    const deadline = Date.now() + ${coverage === '1' ? 10_000 : 500}
    while (!info.files.some((file) => file && file.includes('typebox')) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    console.log(JSON.stringify({ files: info.files.filter(Boolean), nodeOptions: process.env.NODE_OPTIONS ?? '' }))`
  const output = execFileSync(process.execPath, [`--require=${PRELOAD}`, `--import=${PROCESSINFO}`, '--input-type=module', '-e', script], {
    cwd: path.dirname(PRELOAD),
    // Set here, not inherited from this test process, which runs under tap and the preload itself:
    // a recorder that excludes nothing, and options the recorder's spawn hook keeps as they are.
    env: { PATH: process.env.PATH, NODE_OPTIONS: '--no-deprecation', _TAPJS_PROCESSINFO_COVERAGE_: coverage, _TAPJS_PROCESSINFO_EXCLUDE_: '/$./' },
    encoding: 'utf8'
  })
  return JSON.parse(output) as { files: string[], nodeOptions: string }
}

t.test('with coverage off the recorder records nothing, and the processes a test starts inherit the preload', async (t) => {
  const { files, nodeOptions } = recorded('0')
  t.same(files.filter((file) => file.includes('node_modules')), [], 'no module was recorded')
  t.ok(nodeOptions.includes(PRELOAD), 'children get the preload through NODE_OPTIONS')
})

t.test('with coverage on (npm run test:coverage) the recorder sees every module, as tap expects', async (t) => {
  const { files, nodeOptions } = recorded('1')
  t.ok(files.some((file) => file.includes(`${path.sep}fastify-plugin${path.sep}`)), 'a CommonJS module was recorded')
  t.ok(files.some((file) => file.includes(`${path.sep}typebox${path.sep}`)), 'an ES module was recorded')
  t.notOk(nodeOptions.includes(PRELOAD), 'and the preload passes nothing on')
})
