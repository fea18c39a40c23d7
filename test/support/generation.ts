import type { StatusSnapshot } from '../../src/status/types.js'
import { bearer, type buildTestApp } from './app.js'

type TestApp = Awaited<ReturnType<typeof buildTestApp>>

export const SAMPLE_PLAN = [
  '# 2026 디지털뱅킹 트렌드 분석',
  '',
  '## 요약',
  '',
  '핵심 결론과 시사점',
  '',
  '## 시장 분석',
  '',
  '국내외 시장 현황',
  '',
  '## 기술 동향',
  '',
  'AI와 클라우드',
  '',
  '## 결론 및 제언',
  '',
  '전략 방향',
  ''
].join('\n')

export async function planTopic (app: TestApp, user: string, topic = '2026 디지털뱅킹 트렌드 분석') {
  const res = await app.inject({ method: 'POST', url: '/api/topics/plan', headers: bearer(user), payload: { topic } })
  if (res.statusCode !== 200) throw new Error(`plan failed: ${res.body}`)
  return res.json().data as { topic_id: number, plan: string }
}

export async function startGeneration (app: TestApp, user: string, payload: Record<string, unknown>) {
  return app.inject({
    method: 'POST', url: '/api/topics/generate', headers: bearer(user), payload: { topic: '2026 디지털뱅킹 트렌드 분석', plan: SAMPLE_PLAN, ...payload }
  })
}

/** Every snapshot the store publishes for the topic until it finishes. */
export async function collectUntilDone (app: TestApp, topicId: number): Promise<StatusSnapshot[]> {
  const seen: StatusSnapshot[] = []
  for await (const event of app.statusStore.subscribe(topicId)) seen.push(event.snapshot)
  return seen
}

export async function waitForTerminal (app: TestApp, topicId: number, timeoutMs = 20_000): Promise<StatusSnapshot> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const status = app.statusStore.get(topicId)
    if (status && status.status !== 'generating') return status
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  throw new Error(`topic ${topicId} did not finish within ${timeoutMs} ms`)
}

/** Polls until the condition holds; fails after the timeout, which is generous for a loaded machine. */
export async function waitUntil (condition: () => boolean | Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs
  while (!await condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
