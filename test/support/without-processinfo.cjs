'use strict'

/**
 * Preloaded into every test process (.taprc `node-arg`), and from there into every process a test
 * starts, before tap's own preloads: `--require` runs ahead of `--import`.
 *
 * tap starts each test process, and through NODE_OPTIONS each of its child processes, with
 * @tapjs/processinfo, a module loader that records every file a process loads for coverage reports
 * and `tap --changed`. On Node 20 a module loader runs on a thread of its own, so every import
 * waits on a round trip and a second read of its source: importing the app took 2.3 s of CPU with
 * it and 1.1 s without, in each of the suite's ~70 test processes and in the services and conversion
 * threads they start. Without it `npm test` took 192 s instead of 240 s, and 303 s of CPU instead of 401.
 * With coverage off (tap says so in `_TAPJS_PROCESSINFO_COVERAGE_`) nothing reads that record, so
 * the loader is not registered and the file list stays empty; `npm run test:coverage` turns
 * coverage on and this file then changes nothing.
 */
if (process.env._TAPJS_PROCESSINFO_COVERAGE_ === '0') {
  const nodeModule = require('node:module')
  const register = nodeModule.register
  nodeModule.register = function registerAllButProcessInfo (specifier, ...rest) {
    if (String(specifier).includes('/@tapjs/processinfo/')) return
    return register.call(this, specifier, ...rest)
  }
  // Its CommonJS hook, which the line above does not reach, then records no file either.
  process.env._TAPJS_PROCESSINFO_EXCLUDE_ = '/./'
  const inherited = process.env.NODE_OPTIONS ?? ''
  if (!inherited.includes(__filename)) {
    process.env.NODE_OPTIONS = `${inherited} --require=${JSON.stringify(__filename)}`.trim()
  }
}
