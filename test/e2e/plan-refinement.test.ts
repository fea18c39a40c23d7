// test-database: pglite-only (the page in a browser; the plan draft API runs on PostgreSQL in test/routes/plan.test.ts)
import t from 'tap'
import { signUserToken } from '../../src/auth.js'
import { buildTestApp, listenOnLoopback, TEST_JWT_SECRET } from '../support/app.js'
import { anthropicEnv, outlineToolInput, SAMPLE_OUTLINE, startFakeAnthropic } from '../support/fake-anthropic.js'
import { launchChromium, screenshot, skipWithoutChromium } from './browser.js'

/**
 * The page while Claude is still writing: the section titles show first, then each section's
 * description appears as Claude writes it — except where the user has already written. The fake
 * holds its stream before the last description until the user has typed, so the order of events
 * does not depend on how fast the machine is. (Claude's real speed and the 2 s deadline are tested
 * in test/routes/plan.test.ts, without a browser's timing on top.)
 */
const fake = await startFakeAnthropic(t)
const app = await buildTestApp(t, { env: anthropicEnv(fake) })
const { url: base } = await listenOnLoopback(app)
const browser = skipWithoutChromium ? undefined : await launchChromium(t)

t.test('descriptions arrive after the plan and fill only the sections the user has not written in', { skip: skipWithoutChromium }, async (t) => {
  const context = await browser!.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ko-KR' })
  t.teardown(() => context.close())
  const page = await context.newPage()
  page.setDefaultTimeout(10_000)
  const input = JSON.stringify(outlineToolInput(SAMPLE_OUTLINE))
  let release = () => {}
  const typed = new Promise<void>((resolve) => { release = resolve })
  const last = SAMPLE_OUTLINE.sections.length
  fake.planBehaviors.push({ kind: 'outline', input, holdAfterChars: input.lastIndexOf(JSON.stringify(SAMPLE_OUTLINE.sections[last - 1]!.description)), until: typed })
  await page.goto(`${base}/?token=${signUserToken(TEST_JWT_SECRET, 'refine-page')}`)
  await page.getByRole('button', { name: '로그인' }).click()
  await page.getByLabel('보고서 주제').fill(SAMPLE_OUTLINE.title)
  await page.getByRole('button', { name: '계획 수립' }).click()
  await page.locator('#section-list li').first().waitFor()
  const bodies = () => page.locator('#section-list textarea').evaluateAll((areas) => areas.map((area) => (area as HTMLTextAreaElement).value))
  t.same(await page.locator('#section-list input[type="text"]').evaluateAll((inputs) => inputs.map((input) => (input as HTMLInputElement).value)),
    SAMPLE_OUTLINE.sections.map((section) => section.title), 'the section titles show first')
  t.equal((await bodies()).at(-1), '', 'the last description is not written yet')

  await page.getByRole('button', { name: `섹션 ${last} 설명` }).click()
  await page.getByLabel(`섹션 ${last} 설명`).fill('내가 쓴 결론')
  release()
  await page.waitForFunction((count) => Array.from(document.querySelectorAll('#section-list textarea'))
    .filter((area) => (area as HTMLTextAreaElement).value !== '').length === count, last)
  t.same(await bodies(), [...SAMPLE_OUTLINE.sections.slice(0, -1).map((section) => section.description), '내가 쓴 결론'])
  await screenshot(page, 'plan-refined-desktop')
})
