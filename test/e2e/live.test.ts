// test-database: pglite-only (the page in a browser; the API behind it runs on PostgreSQL in the route tests)
import type { Page, Route } from 'playwright-core'
import t from 'tap'
import { bearer } from '../support/app.js'
import { SAMPLE_OUTLINE } from '../support/fake-anthropic.js'
import { screenshot, skipWithoutChromium } from './browser.js'
import {
  DESKTOP, downloadFile, horizontalOverflow, PHONE, plan, sectionTitles, signIn as signInAt, SLOW_REPORT, startPageRig, topicInAddress, waitForResult
} from './flow.js'

/**
 * The live report page (issue 14) in Chromium against the service and a fake Claude that writes
 * slowly: a reload mid-run comes back to the run, the text shows before the end, the run can be
 * cancelled, plan edits survive a reload, the list holds each report once and can be searched,
 * renamed and cleaned up, the outline editor moves sections by pointer and keyboard, downloads
 * survive a failing file list, and wide tables scroll on a phone. (axe-core: a11y.test.ts.)
 */

const { fake, app, base, openPage } = await startPageRig(t, { PLAN_RATE_LIMIT_MAX: '100' })
const signIn = (page: Page, user: string) => signInAt(page, base, user)

const listTopics = async (user: string) =>
  (await app.inject({ method: 'GET', url: '/api/topics?page_size=100', headers: bearer(user) })).json().data

const previewText = (page: Page) => page.locator('#report-preview').innerText()

/** The seconds an ETA line promises: "… (약 31초 남음)", "… (약 2분 남음)", or 0 for "곧 완료됩니다". */
function secondsLeft (eta: string | null) {
  const match = /약 (\d+)(초|분) 남음/.exec(eta ?? '')
  if (match) return Number(match[1]) * (match[2] === '분' ? 60 : 1)
  if (eta === '곧 완료됩니다') return 0
  throw new Error(`not an ETA: ${eta}`)
}

t.test('a reload during a run comes back to it, and the ETA counts down between events', { skip: skipWithoutChromium }, async (t) => {
  const page = await openPage(DESKTOP)
  await signIn(page, 'reloader')
  await plan(page, '새로 고쳐도 이어지는 보고서')
  const topicId = topicInAddress(page)
  t.ok(topicId > 0, 'the topic is in the address once planned')

  // A first section of about 12 pieces a quarter of a second apart: the ETA the second heading brings
  // (from the finished section's length and pace) promises well over the 5 s below which the page
  // says "곧 완료됩니다" instead of counting. The stream is held just after that heading, so no new
  // estimate can come while the page counts down, and while the page is reloaded the run is
  // certainly still being written. What follows the hold is short: it only has to end.
  const marker = '둘째 섹션의 첫 문장입니다.'
  const longReport = `# 보고서\n\n${SAMPLE_OUTLINE.sections.map((section, index) =>
    `## ${section.title}\n\n${index === 1 ? `${marker} ` : ''}${'분석 문장입니다. '.repeat(index === 0 ? 50 : 2)}\n`).join('\n')}`
  let release!: () => void
  fake.reportBehaviors.push({
    ...SLOW_REPORT,
    markdown: longReport,
    holdAfterChunks: Math.ceil((longReport.indexOf(marker) + marker.length) / 40),
    until: new Promise<void>((resolve) => { release = resolve })
  })
  await page.getByRole('button', { name: '보고서 생성' }).click()
  // Status and text come in order on one stream: once the last text before the hold is on the
  // page, so is the last estimate, and only the page's own clock can change the ETA line.
  await page.locator('#report-preview', { hasText: marker }).waitFor({ timeout: 20_000 })
  await page.locator('#progress-eta', { hasText: '남음' }).waitFor()
  const firstEta = await page.locator('#progress-eta').textContent()
  await page.waitForFunction((before) => document.getElementById('progress-eta')!.textContent !== before, firstEta, { timeout: 5000 })
  const nextEta = await page.locator('#progress-eta').textContent()
  t.ok(secondsLeft(nextEta) < secondsLeft(firstEta), `the ETA counts down between events (${firstEta} → ${nextEta})`)

  await page.reload()
  t.equal(await page.locator('#progress-step', { hasText: '작성 중' }).waitFor({ timeout: 15_000 }).then(() => true, () => false), true,
    'the reload comes back to the run\'s progress')
  t.equal(topicInAddress(page), topicId, 'and keeps the topic')
  t.equal(await page.getByLabel('섹션 1 제목').isDisabled(), true, 'with the plan as sent, locked while writing')
  release()
  await waitForResult(page, '보고서가 완성되었습니다')
  // The file list is fetched after the completion heading shows.
  await page.locator('#download-buttons button').nth(2).waitFor()
  t.equal(await page.locator('#download-buttons button').count(), 3, 'the run ends with its downloads')
  t.equal(fake.reportRequests().filter((r) => JSON.stringify(r.body).includes('새로 고쳐도')).length, 1, 'one report was written, not two')
})

t.test('the text shows as it is written, and comes back after a reload', { skip: skipWithoutChromium }, async (t) => {
  const page = await openPage(DESKTOP)
  await signIn(page, 'watcher')
  await plan(page, '쓰이는 대로 보이는 보고서')
  fake.reportBehaviors.push(SLOW_REPORT)
  await page.getByRole('button', { name: '보고서 생성' }).click()
  await page.locator('#report-preview .writing-caret').waitFor({ timeout: 15_000 })
  t.equal(await page.locator('#progress').isVisible(), true, 'the report is still being written')
  t.match(await previewText(page), '분석 내용입니다', 'while its text is already on the page')
  await screenshot(page, '19-writing-desktop')
  await page.reload()
  await page.locator('#report-preview .writing-caret').waitFor()
  t.match(await previewText(page), '분석 내용입니다', 'the text written so far comes back at once')
  await waitForResult(page, '보고서가 완성되었습니다')
})

t.test('취소 stops the run and says so; the plan can be sent again', { skip: skipWithoutChromium }, async (t) => {
  const page = await openPage(DESKTOP)
  await signIn(page, 'canceller')
  await plan(page, '취소할 보고서')
  fake.reportBehaviors.push(SLOW_REPORT)
  await page.getByRole('button', { name: '보고서 생성' }).click()
  await page.locator('#report-preview .writing-caret').waitFor({ timeout: 15_000 })
  t.match(await previewText(page), '분석 내용입니다', 'some text is written')
  await page.getByRole('button', { name: '취소', exact: true }).click()
  await waitForResult(page, '작성을 취소했습니다')
  t.match(await previewText(page), '분석 내용입니다', 'the text written before the cancel stays on the page')
  const topicId = topicInAddress(page)
  const status = (await app.inject({ method: 'GET', url: `/api/topics/${topicId}/status`, headers: bearer('canceller') })).json().data
  t.equal(status.status, 'cancelled', 'the server stopped it')
  t.equal(await page.getByRole('button', { name: '다시 생성' }).isEnabled(), true, 'one button sends it again')
  await screenshot(page, '20-cancelled-desktop')
})

t.test('plan edits are saved as a draft and survive a reload', { skip: skipWithoutChromium }, async (t) => {
  const page = await openPage(DESKTOP)
  await signIn(page, 'drafter')
  await plan(page, '초안이 남는 보고서')
  // The drafts are held until the page has been asked, so the question comes before any save
  // however slowly the edits go.
  const held: Route[] = []
  let holding = true
  await page.route('**/api/topics/*/plan', async (route) => {
    if (holding && route.request().method() === 'PUT') held.push(route)
    else await route.continue()
  })
  await page.getByLabel('보고서 제목').fill('고친 제목')
  await page.getByLabel('섹션 2 제목').fill('고친 둘째 섹션')
  await page.getByRole('button', { name: '섹션 2 설명' }).click()
  await page.getByLabel('섹션 2 설명').fill('고친 설명 문장')
  await page.getByRole('button', { name: '섹션 5 삭제' }).click()
  t.equal(await page.evaluate(() => {
    const event = new Event('beforeunload', { cancelable: true })
    window.dispatchEvent(event)
    return event.defaultPrevented
  }), true, 'leaving before the draft is saved asks first')
  holding = false
  for (const route of held) await route.continue()
  await page.locator('#draft-status', { hasText: '저장했습니다' }).waitFor()
  t.equal(await page.evaluate(() => {
    const event = new Event('beforeunload', { cancelable: true })
    window.dispatchEvent(event)
    return event.defaultPrevented
  }), false, 'once saved, leaving does not')
  const edited = await sectionTitles(page)

  await page.reload()
  await page.locator('#section-list li').first().waitFor()
  t.equal(await page.getByLabel('보고서 제목').inputValue(), '고친 제목')
  t.same(await sectionTitles(page), edited, 'the sections as edited')
  await page.getByRole('button', { name: '섹션 2 설명' }).click()
  t.equal(await page.getByLabel('섹션 2 설명').inputValue(), '고친 설명 문장')
})

t.test('the list holds each report once: re-planning updates it; search, rename, download and delete from the list', { skip: skipWithoutChromium }, async (t) => {
  const page = await openPage(DESKTOP)
  await signIn(page, 'librarian')
  for (let i = 0; i < 3; i++) await plan(page, '같은 주제로 세 번')
  await plan(page, '다른 주제')
  await page.locator('#history-list li', { hasText: '다른 주제' }).waitFor()
  t.equal(await page.locator('#history-list li', { hasText: '같은 주제로 세 번' }).count(), 1, 'three plans of one topic are one row')
  t.equal((await listTopics('librarian')).total, 2)

  await page.locator('#history-list li', { hasText: '같은 주제로 세 번' }).getByRole('button', { name: /^열기/ }).click()
  await page.getByRole('button', { name: '보고서 생성' }).click()
  await waitForResult(page, '보고서가 완성되었습니다')
  await page.getByRole('button', { name: '이 계획으로 다시 생성' }).click()
  await waitForResult(page, '보고서가 완성되었습니다')
  const row = page.locator('#history-list li', { hasText: '같은 주제로 세 번' })
  await row.locator('.history-meta', { hasText: 'v2' }).waitFor()
  t.match(await row.locator('.history-meta').textContent(), /완료 v2 · \d{4}\. \d+\. \d+\./, 'the row shows state, version and date')
  const hwpx = await downloadFile(page, row.getByRole('button', { name: /^HWPX 내려받기/ }))
  t.match(hwpx.name, /_v2\.hwpx$/, 'and downloads the newest version directly, its name carrying the version')
  t.equal(hwpx.bytes.subarray(0, 2).toString('latin1'), 'PK')

  await page.getByLabel('보고서 검색').fill('다른')
  await page.locator('#history-list li', { hasText: '같은 주제로 세 번' }).waitFor({ state: 'detached' })
  t.same(await page.locator('#history-list .history-topic').allTextContents(), ['다른 주제'], 'search narrows the list')
  await page.getByLabel('보고서 검색').fill('없는 제목')
  await page.locator('#history-empty', { hasText: '‘없는 제목’에 맞는 보고서가 없습니다.' }).waitFor()
  await page.getByLabel('보고서 검색').fill('')
  await page.locator('#history-list li', { hasText: '같은 주제로 세 번' }).waitFor()

  const other = page.locator('#history-list li', { hasText: '다른 주제' })
  await other.getByRole('button', { name: /^이름 바꾸기/ }).click()
  await page.getByLabel('‘다른 주제’의 새 이름').fill('이름을 바꾼 주제')
  await page.keyboard.press('Enter')
  await page.locator('#history-list li', { hasText: '이름을 바꾼 주제' }).waitFor()
  t.ok((await listTopics('librarian')).items.some((item: { topic: string }) => item.topic === '이름을 바꾼 주제'), 'the new name is saved')

  page.once('dialog', (dialog) => { dialog.accept().catch(() => {}) })
  await page.locator('#history-list li', { hasText: '이름을 바꾼 주제' }).getByRole('button', { name: /^삭제/ }).click()
  await page.locator('#history-list li', { hasText: '이름을 바꾼 주제' }).waitFor({ state: 'detached' })
  t.equal((await listTopics('librarian')).total, 1, 'a deleted report is gone')
  t.equal(await page.locator('#history-announcer').textContent(), '‘이름을 바꾼 주제’ 보고서를 삭제했습니다.')
})

t.test('the outline: one line per section, quick clicks and dragging move as expected', { skip: skipWithoutChromium }, async (t) => {
  const page = await openPage(DESKTOP)
  await signIn(page, 'mover')
  await plan(page, '순서를 바꾸는 보고서')
  const before = await sectionTitles(page)
  const heights = await page.locator('#section-list > li').evaluateAll((items) => items.map((item) => item.getBoundingClientRect().height))
  t.ok(heights.every((height) => height < 60), `each section is one line (${heights.map(Math.round).join(', ')} px)`)
  const bar = await page.locator('.generate-bar').boundingBox()
  t.ok(bar && bar.y + bar.height <= 768, 'the 보고서 생성 bar is on the screen')

  const up = page.getByRole('button', { name: '섹션 5 위로 이동' })
  await up.scrollIntoViewIfNeeded()
  await page.evaluate(() => window.scrollBy(0, 200))
  const box = (await up.boundingBox())!
  for (let i = 0; i < 3; i++) await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2)
  t.same(await sectionTitles(page), [before[0], before[4], before[1], before[2], before[3]], 'three quick clicks on 위로 move three places')

  const handle = page.locator('#section-list > li').nth(0).locator('.drag-handle')
  const target = (await page.locator('#section-list > li').nth(2).boundingBox())!
  const start = (await handle.boundingBox())!
  await page.mouse.move(start.x + start.width / 2, start.y + start.height / 2)
  await page.mouse.down()
  await page.mouse.move(start.x + start.width / 2, target.y + target.height * 0.75, { steps: 8 })
  await page.mouse.up()
  t.same(await sectionTitles(page), [before[4], before[1], before[0], before[2], before[3]], 'dragging by the handle moves a section')
  t.match(await page.locator('#plan-announcer').textContent(), `‘${before[0]}’ 섹션을 3번째로 옮겼습니다.`, 'and is announced like a button move')
})

t.test('downloads come even when the file list fails at first; wide tables scroll on a phone', { skip: skipWithoutChromium }, async (t) => {
  const page = await openPage(PHONE)
  let failures = 0
  await page.route('**/api/topics/*/artifacts', async (route) => {
    if (failures++ < 2) await route.abort('connectionreset')
    else await route.continue()
  })
  await signIn(page, 'phoner')
  await plan(page, '표가 넓은 보고서')
  const wideTable = '| 구분 | 2024년 | 2025년 | 2026년 | 2027년 | 연평균 성장률 |\n|---|---|---|---|---|---|\n| 인터넷전문은행 거래액 | 120조 원 | 150조 원 | 190조 원 | 230조 원 | 24.2% |\n'
  fake.reportBehaviors.push({ kind: 'report', chunkDelayMs: 5, markdown: `# 표 보고서\n\n## 시장 규모\n\n${wideTable}\n## 결론\n\n끝.\n` })
  await page.getByRole('button', { name: '보고서 생성' }).click()
  await waitForResult(page, '보고서가 완성되었습니다')
  await page.locator('#download-buttons button').first().waitFor()
  t.equal(failures, 3, 'the list was asked for again after two failures')
  t.equal(await page.locator('#download-problem').isHidden(), true, 'and no failure was shown')

  const lines = await page.locator('#report-preview th', { hasText: '2024년' }).evaluate((node) => {
    const range = document.createRange()
    range.selectNodeContents(node)
    return new Set(Array.from(range.getClientRects()).map((rect) => Math.round(rect.top))).size
  })
  t.equal(lines, 1, '"2024년" stays on one line')
  const scroller = page.locator('#report-preview .table-scroll')
  t.ok(await scroller.evaluate((node) => node.scrollWidth > node.clientWidth), 'the table scrolls sideways')
  t.equal(await horizontalOverflow(page), 0, 'while the page itself does not')
  await scroller.scrollIntoViewIfNeeded()
  await screenshot(page, '21-table-phone')
})
