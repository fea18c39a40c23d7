import t from 'tap'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { anthropicEnv, startFakeAnthropic } from '../../support/fake-anthropic.js'
import { generate, pollUntil, startReplica, waitFor } from './support/replica.js'

// One process on the embedded PGlite, deployed (SIGTERM) or crashing (kill -9) mid-report: the
// report is written again when the process starts next, from the same data directory.
// Each service process starts from the sources (and PGlite from its files): minutes on a busy machine.
t.setTimeout(360_000)
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'reportflow-pglite-'))
t.teardown(() => fs.rmSync(dataDir, { recursive: true, force: true }))
const fake = await startFakeAnthropic(t)
// A short grace hands the running report back sooner, by the same path as the default 3 s.
const env = { DATA_DIR: dataDir, SHUTDOWN_GRACE_MS: '500', ...anthropicEnv(fake) }

for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
  t.test(`${signal} mid-report: the next start completes it`, async (t) => {
    const user = `pglite-${signal}`
    const before = fake.reportRequests().length
    fake.reportBehaviors = [{ kind: 'report', chunkDelayMs: 1000 }]
    const first = await startReplica(t, 'first', env)
    const topicId = await generate(first, user)
    await waitFor(() => fake.reportRequests().length > before)
    const signalledAt = Date.now()
    first.child.kill(signal)
    const code = await first.exited
    if (signal === 'SIGTERM') {
      t.equal(code, 0, 'a clean exit')
      t.ok(Date.now() - signalledAt < 10_000, `exited in ${Date.now() - signalledAt} ms`)
    }

    const second = await startReplica(t, 'second', env)
    const final = await pollUntil(second, user, topicId, (status) => status.status !== 'generating', 60_000)
    t.match(final, { status: 'completed', progress_percent: 100, artifact_id: Number })
    t.equal(fake.reportRequests().length, before + 2, 'written again from the start')
    second.child.kill('SIGTERM')
    t.equal(await second.exited, 0)
  })
}
