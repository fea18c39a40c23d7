import t from 'tap'
import { ConfigError, loadConfig } from '../../src/config.js'

t.test('defaults give a runnable configuration with the embedded database', async (t) => {
  const config = loadConfig({})
  t.equal(config.port, 3000)
  t.equal(config.host, '127.0.0.1')
  t.equal(config.databaseUrl, undefined)
  t.equal(config.jwtSecret, undefined)
  t.equal(config.trustProxy, false)
  t.equal(config.anthropic.planTimeoutMs, 1700)
  t.equal(config.planRateLimit.max, 10)
})

t.test('values are read from the environment and typed', async (t) => {
  const config = loadConfig({
    PORT: '8080',
    HOST: '0.0.0.0',
    DATABASE_URL: 'postgres://u@h:5432/db',
    TRUST_PROXY: '2',
    ANTHROPIC_BASE_URL: 'http://127.0.0.1:9999',
    LOG_LEVEL: 'debug',
    PLAN_LLM_TIMEOUT_MS: '900'
  })
  t.equal(config.port, 8080)
  t.equal(config.host, '0.0.0.0')
  t.equal(config.databaseUrl, 'postgres://u@h:5432/db')
  t.equal(config.trustProxy, 2)
  t.equal(config.anthropic.baseURL, 'http://127.0.0.1:9999')
  t.equal(config.anthropic.planTimeoutMs, 900)
  t.equal(config.logLevel, 'debug')
})

t.test('TRUST_PROXY accepts booleans and address lists', async (t) => {
  t.equal(loadConfig({ TRUST_PROXY: 'true' }).trustProxy, true)
  t.same(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy, ['10.0.0.0/8', '127.0.0.1'])
  t.throws(() => loadConfig({ TRUST_PROXY: 'everyone please' }), /TRUST_PROXY/)
})

t.test('empty strings mean "use the default"', async (t) => {
  t.equal(loadConfig({ PORT: '', DATABASE_URL: '' }).port, 3000)
})

t.test('a bad value names the variable', async (t) => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ PORT: 'eighty' }, /^PORT /],
    [{ PORT: '70000' }, /^PORT /],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL /],
    [{ DATABASE_URL: 'mysql://x' }, /^DATABASE_URL /],
    [{ JWT_SECRET: 'short' }, /^JWT_SECRET /],
    [{ PLAN_LLM_TIMEOUT_MS: '5000' }, /^PLAN_LLM_TIMEOUT_MS /],
    [{ ANTHROPIC_BASE_URL: 'ftp://x' }, /^ANTHROPIC_BASE_URL /]
  ]
  for (const [env, pattern] of cases) {
    t.throws(() => loadConfig(env), { name: 'ConfigError', message: pattern }, JSON.stringify(env))
  }
  t.ok(new ConfigError('x') instanceof Error)
})

t.test('the plan\'s deadlines must fall inside its budget', async (t) => {
  t.throws(() => loadConfig({ PLAN_MAX_QUEUE_WAIT_MS: '2000' }), { name: 'ConfigError', message: /^PLAN_MAX_QUEUE_WAIT_MS \(2000\) must be less than PLAN_BUDGET_MS \(2000\)/ })
  t.throws(() => loadConfig({ PLAN_BUDGET_MS: '1500', PLAN_MAX_QUEUE_WAIT_MS: '1600', PLAN_LLM_TIMEOUT_MS: '1000' }), { name: 'ConfigError', message: /^PLAN_MAX_QUEUE_WAIT_MS / })
  t.throws(() => loadConfig({ PLAN_LLM_TIMEOUT_MS: '1901' }), { name: 'ConfigError', message: /^PLAN_LLM_TIMEOUT_MS \(1901\) must be at most PLAN_BUDGET_MS minus 100 \(1900\)/ })
  t.throws(() => loadConfig({ PLAN_BUDGET_MS: '1500' }), { name: 'ConfigError', message: /^PLAN_LLM_TIMEOUT_MS \(1700\) must be at most/ }, 'the default timeout does not fit a shorter budget')
  t.match(loadConfig({ PLAN_BUDGET_MS: '10000', PLAN_LLM_TIMEOUT_MS: '9000' }).anthropic, { planTimeoutMs: 9000 }, 'a longer budget gives Claude more time')
  t.match(loadConfig({ PLAN_MAX_QUEUE_WAIT_MS: '1999' }), { planMaxQueueWaitMs: 1999 })
})
