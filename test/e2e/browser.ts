import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'

/**
 * The browser tests drive the distribution's Chromium, never one downloaded by Playwright, so CI
 * installs it like any other package: `apt-get install -y chromium fonts-noto-cjk` (the fonts make
 * the Korean text in the screenshots legible).
 */
const CHROMIUM_PATH = '/usr/bin/chromium'

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync'
]

const SCREENSHOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test-artifacts/screenshots')

/**
 * A headless Chromium for the test file. launch() gives it a fresh temporary profile
 * (user-data-dir) that it deletes on close. A missing browser fails the run: skipping would let
 * the page go untested without anyone noticing.
 */
export async function launchChromium (t: { teardown: (fn: () => unknown) => void }): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}; the browser tests need it: apt-get install -y chromium fonts-noto-cjk`)
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true })
  t.teardown(() => browser.close())
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true })
  return browser
}

/** The whole page on a desktop; on a phone what its screen shows, which is what a phone user sees. */
export async function screenshot (page: Page, name: string) {
  const fullPage = (page.viewportSize()?.width ?? 0) > 600
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage })
}
