import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import t from 'tap'
import { CHROMIUM, findSystemTool, NGINX, skipWithout } from './system-tools.js'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reportflow-tools-'))
t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
const fakeNginx = path.join(dir, 'nginx')
fs.writeFileSync(fakeNginx, '')
const missing = path.join(dir, 'absent')

t.test('a tool is found on PATH, in the distribution\'s folders, or where its variable says', async (t) => {
  t.equal(findSystemTool(NGINX, { PATH: dir }), fakeNginx)
  t.equal(findSystemTool(NGINX, { PATH: '', NGINX_PATH: fakeNginx }), fakeNginx)
  t.equal(findSystemTool(NGINX, { PATH: dir, NGINX_PATH: missing }), undefined, 'the variable stands for a machine without it')
  t.equal(skipWithout(NGINX, { PATH: dir }), false, 'no skip when it is there')
})

t.test('without the tool its tests are skipped, naming the package, unless REQUIRE_SYSTEM_TOOLS=1', async (t) => {
  t.equal(skipWithout(CHROMIUM, { CHROMIUM_PATH: missing }), 'Chromium is not installed; to run these tests: apt-get install -y chromium fonts-noto-cjk')
  t.equal(skipWithout(NGINX, { NGINX_PATH: missing }), 'nginx is not installed; to run these tests: apt-get install -y nginx')
  t.throws(() => skipWithout(NGINX, { NGINX_PATH: missing, REQUIRE_SYSTEM_TOOLS: '1' }), /apt-get install -y nginx \(REQUIRE_SYSTEM_TOOLS=1/)
})

/** The test files under `dir` (compiled or sources, as this file runs) that skip for want of a tool. */
function filesThatSkipForTools (dir: string, extension: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name)
    if (entry.isDirectory()) return filesThatSkipForTools(file, extension)
    return entry.name.endsWith(`.test${extension}`) && fs.readFileSync(file, 'utf8').includes('skipWithout') ? [file] : []
  })
}

t.test('on a machine without the tools, the files that drive them pass, each such test skipped with the package to install', async (t) => {
  const self = fileURLToPath(import.meta.url)
  const root = path.resolve(path.dirname(self), '..', '..')
  const files = filesThatSkipForTools(path.join(root, 'test'), path.extname(self)).filter((file) => file !== self)
  for (const name of ['nginx.test', 'live.test', 'markdown-to-docx.test']) {
    t.ok(files.some((file) => path.basename(file).startsWith(name)), `${name} is among them`)
  }
  // A run of its own, as on a fresh machine: none of this run's tap settings, none of the tools, and
  // a project folder of its own (links to this one's files), since tap clears and writes `.tap/`
  // in the project it runs, where this run keeps its results and coverage.
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'reportflow-fresh-run-'))
  t.teardown(() => fs.rmSync(project, { recursive: true, force: true }))
  for (const name of fs.readdirSync(root)) if (name !== '.tap') fs.symlinkSync(path.join(root, name), path.join(project, name))
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^_?TAP|^NODE_OPTIONS$|^REQUIRE_SYSTEM_TOOLS$/.test(name)))
  const absent = { CHROMIUM_PATH: missing, NGINX_PATH: missing, SOFFICE_PATH: missing, PDFTOTEXT_PATH: missing }
  const run = await promisify(execFile)(path.join(root, 'node_modules', '.bin', 'tap'),
    ['--reporter=tap', '--jobs=2', ...files.map((file) => path.relative(root, file))],
    { cwd: project, env: { ...env, ...absent }, maxBuffer: 64 * 1024 * 1024, timeout: 240_000 })
    .then(({ stdout }) => ({ code: 0, stdout }), (error: { code?: number, stdout?: string }) => ({ code: error.code, stdout: error.stdout ?? '' }))
  t.equal(run.code, 0, 'tap exits 0')
  const lines = run.stdout.split('\n')
  t.same(lines.filter((line) => /^\s*not ok /.test(line)), [], 'no test failed')
  const skipped = lines.filter((line) => line.includes('# SKIP'))
  for (const install of ['apt-get install -y chromium fonts-noto-cjk', 'apt-get install -y nginx', 'libreoffice-writer-nogui']) {
    t.ok(skipped.some((line) => line.includes(install)), `a skip says: ${install}`)
  }
})
