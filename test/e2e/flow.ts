import { readFile } from 'node:fs/promises'
import type { Browser, BrowserContextOptions, Page } from 'playwright-core'
import { signUserToken } from '../../src/auth.js'
import { buildTestApp, listenOnLoopback, TEST_JWT_SECRET } from '../support/app.js'
import { anthropicEnv, startFakeAnthropic } from '../support/fake-anthropic.js'
import { launchChromium, skipWithoutChromium } from './browser.js'

/** The steps a user takes on the page, shared by the browser tests. */

export const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }
export const DESKTOP: BrowserContextOptions = { viewport: { width: 1366, height: 768 } }
export const DONE_TIMEOUT_MS = 30_000

/** Slow enough to act mid-run: about 20 pieces of 40 characters, a quarter of a second apart. */
export const SLOW_REPORT = { kind: 'report', chunkDelayMs: 250 } as const

type TestContext = { teardown: (fn: () => unknown) => void }

/**
 * The service on a loopback port with the fake Claude behind it (writing quickly unless told
 * otherwise per report), and Chromium unless the machine has none (the tests then skip).
 */
export async function startPageRig (t: TestContext, env: Record<string, string> = {}) {
  const fake = await startFakeAnthropic(t)
  fake.defaultReport = { kind: 'report', chunkDelayMs: 20 }
  const app = await buildTestApp(t, { env: { ...anthropicEnv(fake), ...env } })
  const { url: base } = await listenOnLoopback(app)
  const browser: Browser | undefined = skipWithoutChromium ? undefined : await launchChromium(t)
  return { fake, app, base, openPage: (options: BrowserContextOptions) => openPage(browser!, t, options) }
}

export async function openPage (browser: Browser, t: TestContext, options: BrowserContextOptions): Promise<Page> {
  const context = await browser.newContext({ ...options, locale: 'ko-KR', timezoneId: 'Asia/Seoul', acceptDownloads: true })
  t.teardown(() => context.close())
  const page = await context.newPage()
  page.setDefaultTimeout(10_000)
  return page
}

/** Arrives through the development sign-in link, as a user of the printed link would. */
export async function signIn (page: Page, base: string, user: string, beforeSubmit?: () => Promise<void>) {
  const token = signUserToken(TEST_JWT_SECRET, user)
  await page.goto(`${base}/?token=${token}`)
  await page.locator('#token-input').waitFor()
  const prefilled = await page.locator('#token-input').inputValue()
  await beforeSubmit?.()
  await page.getByRole('button', { name: '로그인' }).click()
  await page.locator('#topic-input').waitFor()
  return { prefilled, token }
}

export async function plan (page: Page, topic: string) {
  await page.getByLabel('보고서 주제').fill(topic)
  await page.getByRole('button', { name: '계획 수립' }).click()
  await page.locator('#section-list li').first().waitFor()
}

export const sectionTitles = (page: Page) => page.locator('#section-list input[type="text"]').evaluateAll(
  (inputs) => inputs.map((input) => (input as HTMLInputElement).value))

export async function waitForResult (page: Page, heading: string) {
  await page.locator('#document-heading', { hasText: heading }).waitFor({ timeout: DONE_TIMEOUT_MS })
}

export async function downloadFile (page: Page, button: ReturnType<Page['getByRole']>) {
  const [download] = await Promise.all([page.waitForEvent('download'), button.click()])
  return { name: download.suggestedFilename(), bytes: await readFile(await download.path()) }
}

export const horizontalOverflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)

/** The topic id the page keeps in its address. */
export const topicInAddress = (page: Page) => Number(new URL(page.url()).searchParams.get('topic'))
