import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * `npm run bench`: every benchmark in its own process, so one's heap and sockets cannot colour
 * another's figures. Name some to run only those: `npm run bench -- plan sse`.
 */
const BENCHES = ['startup', 'plan', 'generate-status', 'jobs', 'soak', 'real-speed', 'hwpx', 'sse', 'hostile-input', 'mcp']
const here = path.dirname(fileURLToPath(import.meta.url))
const selected = process.argv.slice(2).length > 0 ? process.argv.slice(2) : BENCHES

let failed = false
for (const name of selected) {
  if (!BENCHES.includes(name)) {
    console.error(`unknown benchmark "${name}"; choose from ${BENCHES.join(', ')}`)
    process.exit(64)
  }
  console.log(`\n## ${name}\n`)
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(here, `${name}.ts`)], { stdio: 'inherit' })
  if (result.status !== 0) {
    console.error(`benchmark ${name} failed (exit ${result.status})`)
    failed = true
  }
}
process.exit(failed ? 1 : 0)
