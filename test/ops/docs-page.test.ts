// test-database: pglite-only (the page in a browser; the API behind it runs on PostgreSQL in the route tests)
import t from 'tap'
import { signUserToken } from '../../src/auth.js'
import { buildTestApp, listenOnLoopback, TEST_JWT_SECRET } from '../support/app.js'
import { launchChromium, screenshot, skipWithoutChromium } from '../e2e/browser.js'

t.test('Swagger UI at /docs renders every operation and calls the API, with no Content-Security-Policy violation', { skip: skipWithoutChromium }, async (t) => {
  const app = await buildTestApp(t)
  const { url: base } = await listenOnLoopback(app)
  const operations = Object.values((app.swagger() as { paths: Record<string, object> }).paths).flatMap((p) => Object.keys(p)).length

  const browser = await launchChromium(t)
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  t.teardown(() => context.close())
  const page = await context.newPage()
  page.setDefaultTimeout(10_000)
  const problems: string[] = []
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
  page.on('console', (message) => { if (message.type() === 'error') problems.push(`console: ${message.text()}`) })
  // Injected by the browser, outside the page's policy, before any of the page's own script.
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`)
    })
  })

  await page.goto(`${base}/docs`)
  await page.locator('.opblock').nth(operations - 1).waitFor()
  t.equal(await page.locator('.opblock').count(), operations, `all ${operations} operations are shown`)
  t.equal(await page.locator('.info .title').first().textContent().then((text) => text?.startsWith('reportflow')), true)

  await page.locator('button.authorize').first().click()
  await page.locator('.modal-ux input[type="text"]').first().fill(signUserToken(TEST_JWT_SECRET, 'docs-user'))
  await page.locator('.modal-ux button.authorize').first().click()
  await page.locator('.modal-ux button.btn-done').first().click()
  const templates = page.locator('#operations-templates-get_api_templates')
  await templates.locator('.opblock-summary').click()
  await templates.locator('.try-out__btn').click()
  await templates.locator('button.execute').click()
  const status = templates.locator('.live-responses-table tbody .response-col_status').first()
  await status.waitFor()
  t.equal((await status.textContent())?.trim(), '200', 'a call from the page with the bearer token succeeds')
  await screenshot(page, 'docs')

  t.same(problems, [], 'no errors and no policy violations')
})
