// test-database: pglite-only (the page in a browser; the API behind it runs on PostgreSQL in the route tests)
import type { Page } from 'playwright-core'
import t from 'tap'
import { bearer } from '../support/app.js'
import { SAMPLE_OUTLINE } from '../support/fake-anthropic.js'
import { screenshot, skipWithoutChromium } from './browser.js'
import {
  DESKTOP, downloadFile, horizontalOverflow, PHONE, plan, sectionTitles, signIn as signInAt, startPageRig, waitForResult
} from './flow.js'

/**
 * The web page in a real browser against the real service, with the fake Claude streaming the
 * report slowly enough for progress to show: sign-in, plan, edits, generation, downloads, the
 * list of earlier topics, the rate limit, a generation already running, a failure and its
 * retry, and the polling that takes over when the status stream is unreachable.
 */

const PLAN_LIMIT = 2

const { fake, app, base, openPage } = await startPageRig(t, { PLAN_RATE_LIMIT_MAX: String(PLAN_LIMIT) })
fake.defaultReport = { kind: 'report', chunkDelayMs: 30 }
const signIn = async (page: Page, user: string, screenshotName?: string) =>
  signInAt(page, base, user, screenshotName ? () => screenshot(page, screenshotName) : undefined)

/** Every value the progress bar takes, recorded in the page so no quick change is missed. */
async function recordProgress (page: Page) {
  await page.evaluate(() => {
    const bar = document.getElementById('progress-bar')!
    const seen: string[] = []
    Object.assign(window, { progressValues: seen })
    new MutationObserver(() => { seen.push(bar.getAttribute('aria-valuenow')!) })
      .observe(bar, { attributes: true, attributeFilter: ['aria-valuenow'] })
  })
  return async () => (await page.evaluate(() => (window as unknown as { progressValues: string[] }).progressValues)).map(Number)
}

const downloadText = (page: Page, buttonName: RegExp) => downloadFile(page, page.locator('#download-buttons').getByRole('button', { name: buttonName }))

const promptOf = (index: number) => fake.reportRequests()[index]!.body.messages
  .map((message) => typeof message.content === 'string' ? message.content : JSON.stringify(message.content)).join('\n')

t.test('plan, edit, generate with live progress, download, reopen', { skip: skipWithoutChromium }, async (t) => {
  const page = await openPage(DESKTOP)
  const { prefilled, token } = await signIn(page, 'alice', '01-sign-in-desktop')
  t.equal(prefilled, token, 'the token from the sign-in link fills the field')
  t.notMatch(page.url(), /token=/, 'and leaves the address bar at once')
  t.equal(await page.evaluate(() => document.activeElement?.id), 'topic-input', 'signed in, the topic field has the focus')
  t.ok(await page.locator('#template-select option').count() >= 1, 'templates to choose from')

  // The 2 s budget is proved in plan.test.ts; a browser sharing the machine's cores only has to show the plan.
  await plan(page, SAMPLE_OUTLINE.title)
  t.equal(await page.getByLabel('보고서 제목').inputValue(), SAMPLE_OUTLINE.title)
  t.same(await sectionTitles(page), SAMPLE_OUTLINE.sections.map((section) => section.title), 'Claude\'s sections in order')
  await screenshot(page, '02-plan-desktop')

  await page.getByLabel('섹션 3 제목').fill('<b>맞춤</b> 시장 전망 & 리스크')
  t.equal(await page.getByLabel('섹션 1 설명').isHidden(), true, 'descriptions start folded')
  await page.getByRole('button', { name: '섹션 1 설명' }).click()
  t.equal(await page.getByRole('button', { name: '섹션 1 설명' }).getAttribute('aria-expanded'), 'true')
  await page.getByLabel('섹션 1 설명').fill('세 줄 요약과 **핵심 권고**')
  await page.getByRole('button', { name: '섹션 4 삭제' }).click()
  await page.getByRole('button', { name: '섹션 추가' }).click()
  t.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-part')), 'title', 'a new section takes the focus')
  await page.keyboard.type('부록: 용어 정리')
  await page.getByRole('button', { name: '섹션 5 설명' }).click()
  await page.getByLabel('섹션 5 설명').fill('주요 용어와 약어 설명')
  await page.getByRole('button', { name: '섹션 5 위로 이동' }).focus()
  await page.keyboard.press('Enter')
  t.equal(await page.evaluate(() => document.activeElement?.textContent), '↑섹션 4 위로 이동',
    'after moving by keyboard the focus follows the section')
  t.equal(await page.locator('#plan-announcer').textContent(), '‘부록: 용어 정리’ 섹션을 4번째로 옮겼습니다.', 'and the move is announced')
  const edited = ['요약', '배경 및 목적', '<b>맞춤</b> 시장 전망 & 리스크', '부록: 용어 정리', '결론 및 제언']
  t.same(await sectionTitles(page), edited)
  await screenshot(page, '03-plan-edited-desktop')

  const progressValues = await recordProgress(page)
  await page.getByRole('button', { name: '보고서 생성' }).click()
  await page.locator('#progress').waitFor()
  await screenshot(page, '04-progress-desktop')
  await waitForResult(page, '보고서가 완성되었습니다')
  t.equal(await page.evaluate(() => document.activeElement?.id), 'document-heading', 'the result takes the focus')

  const values = await progressValues()
  const distinct = [...new Set(values)]
  t.ok(distinct.length >= 4, `the bar moved through several values: ${distinct.join(', ')}`)
  t.same(distinct, [...distinct].sort((a, b) => a - b), 'and only forward')
  t.equal(distinct.at(-1), 100)

  const prompt = promptOf(0)
  const positions = edited.map((title) => prompt.indexOf(`## ${title}`))
  t.ok(positions.every((at) => at >= 0), 'every edited section reaches Claude')
  t.same(positions, [...positions].sort((a, b) => a - b), 'in the edited order')
  t.notMatch(prompt, '## 기술 동향', 'the removed section does not')
  t.match(prompt, '세 줄 요약과 **핵심 권고**', 'nor does an edited description get lost')

  const preview = page.locator('#report-preview')
  t.equal(await preview.getByRole('heading', { name: '<b>맞춤</b> 시장 전망 & 리스크' }).count(), 1, 'report HTML shows as text')
  t.equal(await preview.locator('b').count(), 0, 'and never becomes markup')
  t.ok(await preview.locator('strong').count() > 0, 'while Markdown bold renders')
  t.ok(await preview.locator('li').count() > 0, 'and lists do')
  t.equal(await preview.locator('h3.document-title').textContent(), '보고서', 'the title is the document\'s')
  t.equal(await preview.locator('h3.document-title').evaluate((node) => getComputedStyle(node).textAlign), 'center', 'centred as in the HWPX')
  t.same(await preview.locator('h4').allTextContents(), edited, 'the section headings as the document has them (it adds no numbers)')
  t.equal(await preview.locator('em').first().evaluate((node) => getComputedStyle(node).fontStyle), 'normal', 'Korean emphasis is not slanted')
  await screenshot(page, '05-done-desktop')

  const hwpx = await downloadText(page, /^HWPX/)
  t.match(hwpx.name, /_v1\.hwpx$/, 'the file name carries the version')
  t.equal(hwpx.bytes.subarray(0, 2).toString('latin1'), 'PK', 'the HWPX download is a zip package')
  const markdown = await downloadText(page, /^Markdown/)
  t.match(markdown.name, /_v1\.md$/)
  const topicId = Number((await app.inject({ method: 'GET', url: '/api/topics', headers: bearer('alice') })).json().data.items[0].id)
  const artifacts = (await app.inject({ method: 'GET', url: `/api/topics/${topicId}/artifacts`, headers: bearer('alice') })).json().data
  const saved = await app.inject({
    method: 'GET', url: `/api/artifacts/${artifacts.find((a: { kind: string }) => a.kind === 'md').id}/download`, headers: bearer('alice')
  })
  t.equal(markdown.bytes.toString('utf8'), saved.body, 'the Markdown download is the saved report')
  t.match(saved.body, '## <b>맞춤</b> 시장 전망 & 리스크')

  await page.setViewportSize({ width: 390, height: 844 })
  t.equal(await horizontalOverflow(page), 0, 'nothing sticks out sideways on a phone')
  await page.locator('#document').scrollIntoViewIfNeeded()
  await screenshot(page, '06-done-phone')
  await page.setViewportSize({ width: 1366, height: 768 })

  await page.goto(base)
  await page.locator('#history-list li').first().waitFor()
  t.equal(await page.locator('#sign-in').isHidden(), true, 'a reload keeps the sign-in for the tab')
  const row = page.locator('#history-list li', { hasText: SAMPLE_OUTLINE.title })
  t.match(await row.locator('.badge').textContent(), '완료')
  await row.getByRole('button', { name: /^열기/ }).click()
  await waitForResult(page, '보고서가 완성되었습니다')
  await page.locator('#download-buttons button').first().waitFor()
  t.equal(await page.locator('#download-buttons').getByRole('button', { name: /^HWPX/ }).count(), 1, 'a reopened topic offers its downloads again')
  t.same(await sectionTitles(page), edited, 'with the plan as it was sent')
  await screenshot(page, '07-reopened-desktop')
})

t.test('the plan limit shows the server\'s message', { skip: skipWithoutChromium }, async (t) => {
  for (let i = 0; i < PLAN_LIMIT; i++) {
    await app.inject({ method: 'POST', url: '/api/topics/plan', headers: bearer('hasty'), payload: { topic: `주제 ${i}` } })
  }
  const page = await openPage(DESKTOP)
  await signIn(page, 'hasty')
  await page.getByLabel('보고서 주제').fill('한 번 더')
  await page.getByRole('button', { name: '계획 수립' }).click()
  const alert = page.locator('#plan-error')
  await alert.waitFor()
  t.match(await alert.textContent(), /^요청이 너무 많습니다\. 정해진 시간 동안 2번까지 요청할 수 있으니 \d+초 뒤에 다시 시도해 주세요\.$/,
    'the server\'s own sentence: how long to wait, in Korean only')
  t.equal(await page.locator('#plan').isHidden(), true)
  t.equal(await page.getByRole('button', { name: '계획 수립' }).isEnabled(), true, 'the button is usable again')
  await screenshot(page, '08-rate-limited-desktop')
})

t.test('a topic deleted elsewhere is said in the page\'s own words, not the API\'s hint for callers', { skip: skipWithoutChromium }, async (t) => {
  const page = await openPage(DESKTOP)
  await signIn(page, 'vanished')
  await plan(page, '사라질 주제')
  const listed = await app.inject({ method: 'GET', url: '/api/topics', headers: bearer('vanished') })
  const topicId = listed.json().data.items[0].id
  await app.inject({ method: 'DELETE', url: `/api/topics/${topicId}`, headers: bearer('vanished') })
  await page.getByRole('button', { name: '보고서 생성' }).click()
  const alert = page.locator('#generate-error')
  await alert.waitFor()
  t.equal(await alert.textContent(), '찾는 항목이 없습니다. 이미 삭제되었을 수 있으니 목록을 새로 고쳐 보세요.')
})

t.test('a generation already running is followed instead of failing', { skip: skipWithoutChromium }, async (t) => {
  const page = await openPage(DESKTOP)
  await signIn(page, 'carol')
  await plan(page, '중복 생성 확인')
  const topicId = Number((await app.inject({ method: 'GET', url: '/api/topics', headers: bearer('carol') })).json().data.items[0].id)
  // The run started elsewhere is held until the page has shown it is following it.
  let release!: () => void
  fake.reportBehaviors.push({ kind: 'report', holdAfterChunks: 1, until: new Promise<void>((resolve) => { release = resolve }) })
  const requestsBefore = fake.reportRequests().length
  const started = await app.inject({
    method: 'POST',
    url: '/api/topics/generate',
    headers: bearer('carol'),
    payload: { topic: '중복 생성 확인', plan: '# 중복\n\n## 개요\n\n다른 탭에서 시작\n\n## 결론\n\n끝\n', topic_id: topicId }
  })
  t.equal(started.statusCode, 202)
  await page.getByRole('button', { name: '보고서 생성' }).click()
  await page.locator('#progress-notice', { hasText: '이미 작성 중이어서' }).waitFor()
  release()
  await waitForResult(page, '보고서가 완성되었습니다')
  t.equal(fake.reportRequests().length, requestsBefore + 1, 'one report was written, not two')
})

t.test('a failed generation says so and can be retried', { skip: skipWithoutChromium }, async (t) => {
  const page = await openPage(DESKTOP)
  await signIn(page, 'dave')
  await plan(page, '실패 후 재시도')
  fake.reportBehaviors.push({ kind: 'status', status: 400, errorType: 'invalid_request_error' })
  await page.getByRole('button', { name: '보고서 생성' }).click()
  await waitForResult(page, '보고서를 완성하지 못했습니다')
  const alerts = await page.locator('[role="alert"]:visible').allTextContents()
  t.equal(alerts.length, 1, `the failure is said once: ${JSON.stringify(alerts)}`)
  t.notMatch(alerts[0], /[A-Za-z]/, 'in Korean, without English or product names')
  t.match(alerts[0], /다시 시도/, 'saying what to do')
  t.same(await page.getByRole('button', { name: /^(다시|재시도)/ }).allTextContents(), ['다시 시도'], 'with one button to do it')
  await screenshot(page, '09-failed-desktop')
  await page.getByRole('button', { name: '다시 시도' }).click()
  await waitForResult(page, '보고서가 완성되었습니다')
  t.equal(await page.locator('#download-buttons').getByRole('button', { name: /^Markdown/ }).count(), 1)
})

t.test('on a phone, with the status stream blocked, polling carries the progress to the end', { skip: skipWithoutChromium }, async (t) => {
  const page = await openPage(PHONE)
  const streamed: string[] = []
  const polled: string[] = []
  await page.route('**/status/stream**', async (route) => {
    streamed.push(route.request().url())
    await route.abort()
  })
  page.on('request', (request) => {
    if (/\/api\/topics\/\d+\/status$/.test(new URL(request.url()).pathname)) polled.push(request.url())
  })
  await signIn(page, 'erin')
  await screenshot(page, '10-signed-in-phone')
  await plan(page, '모바일에서 만드는 보고서')
  t.equal(await horizontalOverflow(page), 0, 'the plan editor fits the phone')
  await screenshot(page, '11-plan-phone')
  const progressValues = await recordProgress(page)
  await page.getByRole('button', { name: '보고서 생성' }).click()
  await page.locator('#progress').waitFor()
  await screenshot(page, '12-progress-phone')
  await waitForResult(page, '보고서가 완성되었습니다')
  t.ok(streamed.length >= 1, 'the stream was tried')
  t.ok(polled.length >= 1, `and the status route polled instead (${polled.length} times)`)
  t.ok(streamed.every((url) => new URL(url).searchParams.has('access_token')), 'the stream carries the token in its query')
  t.equal((await progressValues()).at(-1), 100)
  await screenshot(page, '13-done-phone')
})
