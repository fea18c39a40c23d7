import t from 'tap'
import { APIConnectionError, APIConnectionTimeoutError } from '@anthropic-ai/sdk'
import { toPortError } from '../../../src/llm/anthropic.js'
import { LlmServiceError } from '../../../src/llm/provider.js'

// The SDK raises these only when the network fails, which a loopback fake cannot make happen on cue
// (its own timeout races the report deadline), so its real error classes are handed over directly.
t.test('a request that timed out before the API answered is a timeout, a failed connection is unreachable', async (t) => {
  const timedOut = toPortError(new APIConnectionTimeoutError())
  t.ok(timedOut instanceof LlmServiceError)
  t.equal((timedOut as LlmServiceError).failure, 'timeout')
  const refused = toPortError(new APIConnectionError({ message: 'connect ECONNREFUSED 127.0.0.1:1' }))
  t.equal((refused as LlmServiceError).failure, 'unreachable', 'never reported as overloaded: the API never answered')
})
