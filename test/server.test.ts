import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import t, { type Test } from 'tap'
import { freePort } from './ops/support/ports.js'
import { entryPointArgs } from './support/entry-point.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const LINK = /^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w.-]+$/

/**
 * server.ts as `npm run dev` starts it, with no JWT_SECRET so that it makes up a demo sign-in
 * link, its stdout either a pseudo-terminal (through util-linux `script`) or a pipe. Output is
 * collected until the server has logged the link, then the process group is stopped.
 */
async function startServer (t: Test, terminal: boolean): Promise<string[]> {
  const port = await freePort()
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'reportflow-server-'))
  t.teardown(() => fs.rmSync(dataDir, { recursive: true, force: true }))
  const command = [process.execPath, ...entryPointArgs(ROOT, 'server.ts')]
  const env = { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'info' }
  const child = terminal
    ? spawn('script', ['-qefc', command.join(' '), '/dev/null'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'inherit'] })
    : spawn(command[0]!, command.slice(1), { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'inherit'] })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  t.teardown(async () => {
    if (child.exitCode === null) {
      process.kill(-child.pid!, 'SIGTERM')
      await exited
    }
  })
  let output = ''
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const lines = output.split(/\r?\n/)
      if (lines.some((line) => line.includes('"Development sign-in link')) && (!terminal || lines.some((line) => LINK.test(line)))) resolve()
    })
    child.once('exit', (code) => reject(new Error(`the server exited (${code}) before printing the link:\n${output}`)))
  })
  return output.split(/\r?\n/).filter(Boolean)
}

t.test('at a terminal the sign-in link stands on a line of its own and works', async (t) => {
  const lines = await startServer(t, true)
  const link = lines.find((line) => LINK.test(line))
  t.ok(link, 'a line that is nothing but the link, which a terminal makes clickable')
  const logged = lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { msg: string })
  t.ok(logged.some((line) => line.msg.endsWith(link!)), 'the log line carries the same link')
  t.match(lines[lines.indexOf(link!) - 1], /개발용 로그인 링크 \(사용자 "demo"/, 'introduced in Korean')

  const token = new URL(link!).searchParams.get('token')
  const templates = await fetch(new URL('/api/templates', link), { headers: { authorization: `Bearer ${token}` } })
  t.equal(templates.status, 200, 'the token in the link signs in')
})

t.test('into a pipe every line stays JSON', async (t) => {
  const lines = await startServer(t, false)
  t.ok(lines.length > 1)
  for (const line of lines) t.doesNotThrow(() => JSON.parse(line), `JSON: ${line.slice(0, 60)}`)
  t.notOk(lines.some((line) => LINK.test(line)), 'no plain line for a log collector to choke on')
})
