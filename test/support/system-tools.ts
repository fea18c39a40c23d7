import fs from 'node:fs'
import path from 'node:path'

/** A program from the distribution that some tests drive for real. */
export interface SystemTool {
  name: string
  binary: string
  /** Where Debian installs it, searched after PATH (which often lacks /usr/sbin). */
  dirs: string[]
  /** Names another binary; a path that does not exist shows what a machine without the tool does. */
  envVar: string
  install: string
}

export const CHROMIUM: SystemTool = {
  name: 'Chromium',
  binary: 'chromium',
  dirs: ['/usr/bin'],
  envVar: 'CHROMIUM_PATH',
  // The fonts make the Korean text in the screenshots legible.
  install: 'apt-get install -y chromium fonts-noto-cjk'
}

export const NGINX: SystemTool = {
  name: 'nginx',
  binary: 'nginx',
  dirs: ['/usr/sbin', '/usr/local/sbin'],
  envVar: 'NGINX_PATH',
  install: 'apt-get install -y nginx'
}

export function findSystemTool (tool: SystemTool, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const override = env[tool.envVar]
  if (override) return fs.existsSync(override) ? override : undefined
  const dirs = [...(env.PATH ?? '').split(path.delimiter), ...tool.dirs].filter(Boolean)
  return dirs.map((dir) => path.join(dir, tool.binary)).find((candidate) => fs.existsSync(candidate))
}

/**
 * false when the tool is there; otherwise why the tests that need it are skipped, naming the
 * package to install. REQUIRE_SYSTEM_TOOLS=1 (set by .ci/run, which installs the tools) turns the
 * skip into a failure, so CI can never pass with those tests quietly left out.
 */
export function skipWithout (tool: SystemTool, env: NodeJS.ProcessEnv = process.env): string | false {
  if (findSystemTool(tool, env)) return false
  const reason = `${tool.name} is not installed; to run these tests: ${tool.install}`
  if (env.REQUIRE_SYSTEM_TOOLS === '1') throw new Error(`${reason} (REQUIRE_SYSTEM_TOOLS=1 does not allow skipping them)`)
  return reason
}
