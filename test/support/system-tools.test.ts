import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
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
