import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'
import { CHROMIUM, findSystemTool, skipWithout } from '../support/system-tools.js'

/**
 * The browser tests drive the distribution's Chromium, never one downloaded by Playwright, so CI
 * installs it like any other package. Without it they are skipped, saying what to install.
 */
export const skipWithoutChromium = skipWithout(CHROMIUM)

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
 * (user-data-dir) that it deletes on close.
 */
export async function launchChromium (t: { teardown: (fn: () => unknown) => void }): Promise<Browser> {
  const executablePath = findSystemTool(CHROMIUM)
  if (!executablePath) throw new Error(`Chromium is not installed: ${CHROMIUM.install}`)
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true })
  t.teardown(() => browser.close())
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true })
  return browser
}

/** The whole page on a desktop; on a phone what its screen shows, which is what a phone user sees. */
export async function screenshot (page: Page, name: string) {
  const fullPage = (page.viewportSize()?.width ?? 0) > 600
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage })
}

const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

export interface AxeViolation {
  id: string
  impact: string | null
  help: string
  nodes: Array<{ target: unknown[], failureSummary?: string }>
}

/**
 * axe-core run inside the page (through the DevTools protocol, so the page's Content-Security-Policy
 * stays as it is) with its default rules (WCAG 2.x A/AA and best practice); returns the serious and
 * critical findings.
 */
export async function seriousAxeViolations (page: Page): Promise<AxeViolation[]> {
  if (!await page.evaluate(() => 'axe' in window)) await page.evaluate(AXE_SOURCE)
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: unknown, options: unknown) => Promise<{ violations: AxeViolation[] }> } }).axe
    // The rule the issue found broken is switched on by name, whatever axe's default for it.
    const result = await axe.run(document, { resultTypes: ['violations'], rules: { 'label-content-name-mismatch': { enabled: true } } })
    return result.violations.map(({ id, impact, help, nodes }) => ({
      id, impact, help, nodes: nodes.map(({ target, failureSummary }) => ({ target, failureSummary }))
    }))
  })
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
}
