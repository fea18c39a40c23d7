// test-database: pglite-only (the page in a browser; the API behind it runs on PostgreSQL in the route tests)
import t from 'tap'
import { screenshot, seriousAxeViolations, skipWithoutChromium } from './browser.js'
import { DESKTOP, PHONE, plan, signIn as signInAt, startPageRig, waitForResult } from './flow.js'

/**
 * axe-core, run inside the page, on every stage a user passes through — sign-in, the empty
 * workspace, the plan with a description folded out, writing, done, failed, renaming in the list,
 * cancelled — on a 1366×768 desktop and a 390×844 phone: no serious or critical finding. A
 * screenshot of each stage is saved beside the others.
 */

/** Long enough to see the writing stage (about 1.5 s). */
const STEADY_REPORT = { kind: 'report', chunkDelayMs: 120 } as const

const { fake, base, openPage } = await startPageRig(t, { PLAN_RATE_LIMIT_MAX: '100' })

for (const [device, options] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
  t.test(`axe-core finds nothing serious on any stage (${device})`, { skip: skipWithoutChromium }, async (t) => {
    const page = await openPage(options)
    const stage = async (name: string) => {
      const violations = await seriousAxeViolations(page)
      t.same(violations.map((v) => `${v.id}: ${v.help} ${JSON.stringify(v.nodes.map((n) => n.target))}`), [], `${name}`)
      await screenshot(page, `3${device === 'desktop' ? 0 : 1}-${name}-${device}`)
    }
    const user = `axe-${device}`
    await signInAt(page, base, user, () => stage('sign-in'))
    await stage('signed-in')
    await plan(page, `접근성 점검 ${device}`)
    await page.getByRole('button', { name: '섹션 1 설명' }).click()
    await stage('plan')
    await page.getByRole('button', { name: '섹션 1 설명' }).click()
    await page.getByRole('button', { name: '섹션 1 위로 이동' }).isDisabled()
    await page.locator('#plan-title').focus()
    const ring = await page.locator('#plan-title').evaluate((node) => {
      const style = getComputedStyle(node)
      return { color: style.outlineColor, width: style.outlineWidth }
    })
    t.same(ring, { color: 'rgb(11, 61, 145)', width: '3px' }, 'the focus ring is dark blue (6.6:1 on white), 3 px')

    fake.reportBehaviors.push(STEADY_REPORT)
    await page.getByRole('button', { name: '보고서 생성' }).click()
    await page.locator('#progress-step', { hasText: '작성 중' }).waitFor({ timeout: 15_000 })
    await stage('writing')
    await waitForResult(page, '보고서가 완성되었습니다')
    await page.locator('#download-buttons button').first().waitFor()
    await stage('done')

    fake.reportBehaviors.push({ kind: 'status', status: 400, errorType: 'invalid_request_error' })
    await page.getByRole('button', { name: '이 계획으로 다시 생성' }).click()
    await waitForResult(page, '보고서를 완성하지 못했습니다')
    await stage('failed')

    await page.locator('#history-list li').first().getByRole('button', { name: /^이름 바꾸기/ }).click()
    await stage('history-rename')
    await page.keyboard.press('Escape')

    // Held until cancelled: the click cannot come after the report's end.
    let release!: () => void
    fake.reportBehaviors.push({ kind: 'report', holdAfterChunks: 1, until: new Promise<void>((resolve) => { release = resolve }) })
    await page.getByRole('button', { name: '다시 시도' }).click()
    await page.locator('#progress').waitFor()
    await page.getByRole('button', { name: '취소', exact: true }).click()
    await waitForResult(page, '작성을 취소했습니다')
    release()
    await stage('cancelled')
  })
}
