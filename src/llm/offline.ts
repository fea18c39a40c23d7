import { setTimeout as sleep } from 'node:timers/promises'
import type { LlmProvider, ReportInput } from './provider.js'

export const OFFLINE_MODEL = 'offline-draft'

export interface OfflineProviderOptions {
  /** Pause between streamed pieces, so progress is visible as it would be with a real model. */
  pieceDelayMs?: number
}

function draftPieces ({ title, sections }: ReportInput): string[] {
  const pieces = [
    `# ${title}\n\n` +
    '> **오프라인 초안** — 이 문서는 Claude 없이 승인된 계획만으로 작성된 초안입니다. ' +
    '`ANTHROPIC_API_KEY`를 설정하면 실제 내용이 작성됩니다.\n\n'
  ]
  for (const section of sections) {
    pieces.push(
      `## ${section.title}\n\n` +
      `${section.description}\n\n` +
      `- 이 섹션은 계획의 ${section.order}번째 항목으로, 위 내용을 중심으로 작성될 예정임\n` +
      '- 근거 자료와 수치는 실제 작성 시 보완이 필요함\n\n'
    )
  }
  pieces.push(
    '---\n\n' +
    '| 순서 | 섹션 | 다룰 내용 |\n|:---:|---|---|\n' +
    sections.map((s) => `| ${s.order} | ${s.title.replace(/\|/g, '\\|')} | ${s.description.replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`).join('\n') +
    '\n'
  )
  return pieces
}

/** Writes a clearly labelled draft from the plan alone, so the whole flow runs without an API key. */
export class OfflineProvider implements LlmProvider {
  readonly kind = 'offline' as const

  constructor (private readonly options: OfflineProviderOptions = {}) {}

  async writeReport (input: ReportInput, onText: (delta: string) => void, signal: AbortSignal) {
    const startedAt = performance.now()
    const pieces = draftPieces(input)
    for (const piece of pieces) {
      await sleep(this.options.pieceDelayMs ?? 150, undefined, { signal })
      onText(piece)
    }
    const markdown = pieces.join('')
    return {
      markdown,
      usage: { model: OFFLINE_MODEL, inputTokens: 0, outputTokens: 0, latencyMs: Math.round(performance.now() - startedAt) }
    }
  }
}
