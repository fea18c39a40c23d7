import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { OfflineProvider } from '../src/llm/offline.js'
import type { LlmProvider } from '../src/llm/provider.js'

declare module 'fastify' {
  interface FastifyInstance {
    llm: LlmProvider
  }
}

export default fp(async function llm (app: FastifyInstance) {
  const { anthropic } = app.config
  if (!anthropic.apiKey) {
    app.log.warn('ANTHROPIC_API_KEY is not set: plans come from templates and reports are offline drafts')
    app.decorate('llm', new OfflineProvider({ pieceDelayMs: app.config.offlinePieceDelayMs }))
    return
  }
  // The SDK is a sizeable module graph: loaded only when there is a key to use it with.
  const [{ default: Anthropic }, { AnthropicProvider }] = await Promise.all([import('@anthropic-ai/sdk'), import('../src/llm/anthropic.js')])
  const client = new Anthropic({
    apiKey: anthropic.apiKey,
    baseURL: anthropic.baseURL,
    maxRetries: 0,
    timeout: anthropic.reportTimeoutMs
  })
  app.decorate('llm', new AnthropicProvider(client, {
    planModel: anthropic.planModel,
    reportModel: anthropic.reportModel,
    planMaxTokens: anthropic.planMaxTokens,
    reportMaxTokens: anthropic.reportMaxTokens,
    reportTimeoutMs: anthropic.reportTimeoutMs,
    reportMaxRetries: anthropic.reportMaxRetries,
    retryBaseMs: anthropic.reportRetryBaseMs
  }))
}, { name: 'llm', dependencies: ['config'] })
