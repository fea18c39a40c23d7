import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { findSystemTool, NGINX, skipWithout } from '../../support/system-tools.js'
import { freePort } from './ports.js'

const NGINX_TEMPLATE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../deploy/nginx.conf')

/** The reverse-proxy tests run the real thing; without it they are skipped, saying what to install. */
export const skipWithoutNginx = skipWithout(NGINX)

const TEMP_PATHS = ['client_body_temp_path', 'proxy_temp_path', 'fastcgi_temp_path', 'uwsgi_temp_path', 'scgi_temp_path']

export interface NginxOptions {
  upstreamPort: number
  /** proxy_read_timeout of the status stream location. */
  streamReadTimeout: string
}

/**
 * deploy/nginx.conf with the test's ports, timeout and file paths. Each rewrite must match exactly
 * once, so an edit to the example that the test no longer understands fails here, loudly.
 */
function renderNginxConf (template: string, dir: string, listenPort: number, options: NginxOptions): string {
  const rewrites: Array<[RegExp, string]> = [
    [/^error_log \S+ warn;$/m, `error_log ${dir}/error.log warn;`],
    [/^ {2}access_log \S+ reportflow;$/m, `  access_log ${dir}/access.log reportflow;`],
    [/^ {4}server 127\.0\.0\.1:3000;$/m, `    server 127.0.0.1:${options.upstreamPort};`],
    [/^ {4}listen 80;$/m, `    listen 127.0.0.1:${listenPort};`],
    [/(location ~ \^\/api\/topics\/\[0-9\]\+\/status\/stream\$ \{[^}]*proxy_read_timeout )75s;/, `$1${options.streamReadTimeout};`],
    // nginx's compiled-in temporary folders belong to the system's nginx.
    [/^http \{$/m, ['http {', ...TEMP_PATHS.map((directive) => `  ${directive} ${dir}/${directive};`)].join('\n')]
  ]
  let conf = template
  for (const [pattern, replacement] of rewrites) {
    const matches = conf.match(new RegExp(pattern.source, pattern.flags + 'g'))?.length ?? 0
    if (matches !== 1) throw new Error(`deploy/nginx.conf: expected exactly one match of ${pattern}, found ${matches}`)
    conf = conf.replace(pattern, replacement)
  }
  return conf
}

async function waitForPort (port: number, child: ChildProcess, errorLog: string, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1')
      socket.once('connect', () => { socket.destroy(); resolve(true) })
      socket.once('error', () => resolve(false))
    })
    if (open) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const log = fs.existsSync(errorLog) ? fs.readFileSync(errorLog, 'utf8') : '(no error log)'
  throw new Error(`nginx did not start on port ${port} (exit code ${child.exitCode}):\n${log}`)
}

export interface RunningNginx {
  url: string
  dir: string
  accessLog: () => string
}

/** A real nginx in the foreground, from deploy/nginx.conf, in a folder of its own; stopped at teardown. */
export async function startNginx (t: { teardown: (fn: () => unknown) => void }, options: NginxOptions): Promise<RunningNginx> {
  const binary = findSystemTool(NGINX)
  if (!binary) throw new Error(`nginx is not installed: ${NGINX.install}`)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reportflow-nginx-'))
  // Workers drop root privileges and still have to reach their temporary folders.
  fs.chmodSync(dir, 0o755)
  const port = await freePort()
  const confFile = path.join(dir, 'nginx.conf')
  fs.writeFileSync(confFile, renderNginxConf(fs.readFileSync(NGINX_TEMPLATE, 'utf8'), dir, port, options))
  const errorLog = path.join(dir, 'error.log')
  const child = spawn(binary, ['-c', confFile, '-p', `${dir}/`, '-e', errorLog, '-g', `daemon off; pid ${dir}/nginx.pid;`], {
    stdio: ['ignore', 'ignore', 'pipe']
  })
  let stderr = ''
  child.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  t.teardown(async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    }
    fs.rmSync(dir, { recursive: true, force: true })
  })
  try {
    await waitForPort(port, child, errorLog)
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${stderr}`)
  }
  return { url: `http://127.0.0.1:${port}`, dir, accessLog: () => fs.readFileSync(path.join(dir, 'access.log'), 'utf8') }
}
