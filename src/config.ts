import path from 'node:path'
import { Type, type Static } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'

const LogLevel = Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) => Type.Literal(level)))

const Port = Type.Integer({ minimum: 0, maximum: 65535 })
const PositiveMs = Type.Integer({ minimum: 1 })
const Switch = Type.Union([Type.Literal('true'), Type.Literal('false')])

/**
 * Every setting the service reads, with its environment variable name as the key so that a
 * validation error can name the variable the operator has to fix.
 */
const EnvSchema = Type.Object({
  PORT: Port,
  HOST: Type.String({ minLength: 1 }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  DATA_DIR: Type.String({ minLength: 1 }),
  ANTHROPIC_API_KEY: Type.Optional(Type.String({ minLength: 1 })),
  ANTHROPIC_BASE_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  CLAUDE_PLAN_MODEL: Type.String({ minLength: 1 }),
  CLAUDE_REPORT_MODEL: Type.String({ minLength: 1 }),
  PLAN_LLM_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 59_900 }),
  PLAN_MAX_TOKENS: Type.Integer({ minimum: 256, maximum: 8192 }),
  PLAN_REFINE_TIMEOUT_MS: PositiveMs,
  PLAN_MAX_IN_FLIGHT: Type.Integer({ minimum: 1 }),
  PLAN_BUDGET_MS: Type.Integer({ minimum: 1000, maximum: 60_000 }),
  PLAN_MAX_QUEUE_WAIT_MS: Type.Integer({ minimum: 0, maximum: 60_000 }),
  REPORT_MAX_TOKENS: Type.Integer({ minimum: 1024, maximum: 64000 }),
  REPORT_LLM_TIMEOUT_MS: PositiveMs,
  REPORT_LLM_MAX_RETRIES: Type.Integer({ minimum: 0, maximum: 10 }),
  REPORT_LLM_RETRY_BASE_MS: Type.Integer({ minimum: 0 }),
  OFFLINE_PIECE_DELAY_MS: Type.Integer({ minimum: 0 }),
  PLAN_RATE_LIMIT_MAX: Type.Integer({ minimum: 1 }),
  PLAN_RATE_LIMIT_WINDOW_MS: PositiveMs,
  JWT_SECRET: Type.Optional(Type.String({ minLength: 32 })),
  TRUST_PROXY: Type.String(),
  LOG_LEVEL: LogLevel,
  BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024 }),
  STATUS_TTL_MS: PositiveMs,
  SHUTDOWN_GRACE_MS: Type.Integer({ minimum: 0, maximum: 60_000 }),
  GENERATION_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 100 }),
  GENERATION_MAX_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 10 }),
  GENERATION_HEARTBEAT_SECONDS: Type.Integer({ minimum: 10, maximum: 600 }),
  GENERATION_MONITOR_SECONDS: Type.Integer({ minimum: 1, maximum: 600 }),
  GENERATION_PROGRESS_INTERVAL_MS: Type.Integer({ minimum: 0 }),
  CONVERSION_WARM_UP_ROUNDS: Type.Integer({ minimum: 0, maximum: 50 }),
  IDEMPOTENCY_KEY_TTL_MS: PositiveMs,
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://' })),
  SSE_HEARTBEAT_MS: PositiveMs,
  SSE_IDLE_TIMEOUT_MS: PositiveMs,
  SSE_MAX_DURATION_MS: PositiveMs,
  SSE_RETRY_MS: PositiveMs,
  PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  DB_CONNECT_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 60_000 }),
  DB_QUERY_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 600_000 }),
  READY_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 60_000 }),
  GENERATIONS_RUNNING_PER_USER: Type.Integer({ minimum: 1 }),
  GENERATE_RATE_LIMIT_MAX: Type.Integer({ minimum: 1 }),
  GENERATE_RATE_LIMIT_WINDOW_MS: PositiveMs,
  STREAMS_PER_USER: Type.Integer({ minimum: 1 }),
  STREAMS_PER_TOPIC: Type.Integer({ minimum: 1 }),
  TEMPLATES_PER_USER: Type.Integer({ minimum: 0 }),
  JWT_MAX_AGE_SECONDS: Type.Integer({ minimum: 60 }),
  METRICS_TOKEN: Type.Optional(Type.String({ minLength: 16 })),
  METRICS_ENABLED: Switch,
  DOCS_ENABLED: Switch
})

export type Env = Static<typeof EnvSchema>

export const ENV_DEFAULTS = {
  PORT: 3000,
  HOST: '127.0.0.1',
  DATA_DIR: './data',
  CLAUDE_PLAN_MODEL: 'claude-haiku-4-5',
  CLAUDE_REPORT_MODEL: 'claude-sonnet-4-6',
  PLAN_LLM_TIMEOUT_MS: 1700,
  PLAN_MAX_TOKENS: 1200,
  PLAN_REFINE_TIMEOUT_MS: 30_000,
  PLAN_MAX_IN_FLIGHT: 64,
  PLAN_BUDGET_MS: 2000,
  PLAN_MAX_QUEUE_WAIT_MS: 400,
  REPORT_MAX_TOKENS: 8000,
  REPORT_LLM_TIMEOUT_MS: 300_000,
  REPORT_LLM_MAX_RETRIES: 3,
  REPORT_LLM_RETRY_BASE_MS: 1000,
  OFFLINE_PIECE_DELAY_MS: 150,
  PLAN_RATE_LIMIT_MAX: 10,
  PLAN_RATE_LIMIT_WINDOW_MS: 60_000,
  TRUST_PROXY: 'false',
  LOG_LEVEL: 'info',
  BODY_LIMIT_BYTES: 1_048_576,
  STATUS_TTL_MS: 3_600_000,
  SHUTDOWN_GRACE_MS: 3000,
  GENERATION_CONCURRENCY: 4,
  GENERATION_MAX_ATTEMPTS: 3,
  GENERATION_HEARTBEAT_SECONDS: 10,
  GENERATION_MONITOR_SECONDS: 5,
  GENERATION_PROGRESS_INTERVAL_MS: 1000,
  CONVERSION_WARM_UP_ROUNDS: 8,
  IDEMPOTENCY_KEY_TTL_MS: 86_400_000,
  SSE_HEARTBEAT_MS: 15_000,
  SSE_IDLE_TIMEOUT_MS: 60_000,
  SSE_MAX_DURATION_MS: 3_600_000,
  SSE_RETRY_MS: 3000,
  DB_CONNECT_TIMEOUT_MS: 5000,
  DB_QUERY_TIMEOUT_MS: 10_000,
  READY_TIMEOUT_MS: 2000,
  GENERATIONS_RUNNING_PER_USER: 2,
  GENERATE_RATE_LIMIT_MAX: 20,
  GENERATE_RATE_LIMIT_WINDOW_MS: 3_600_000,
  STREAMS_PER_USER: 20,
  STREAMS_PER_TOPIC: 5,
  TEMPLATES_PER_USER: 50,
  JWT_MAX_AGE_SECONDS: 7 * 24 * 3600,
  METRICS_ENABLED: 'false',
  DOCS_ENABLED: 'true'
} satisfies Partial<Env>

export type TrustProxy = boolean | number | string[]

export interface Config {
  port: number
  host: string
  /** Absent means the embedded PGlite database under `dataDir`. */
  databaseUrl?: string
  dataDir: string
  anthropic: {
    apiKey?: string
    baseURL?: string
    planModel: string
    reportModel: string
    /** Counted from the request's arrival: past it, the template outline answers. */
    planTimeoutMs: number
    planMaxTokens: number
    /** How long the model may go on writing the plan's descriptions after the answer. */
    planRefineTimeoutMs: number
    reportMaxTokens: number
    reportTimeoutMs: number
    reportMaxRetries: number
    reportRetryBaseMs: number
  }
  /** Pause between the pieces of an offline draft, so its progress is visible. */
  offlinePieceDelayMs: number
  planRateLimit: { max: number, windowMs: number }
  /** Plans being answered at once; more are turned away with 503 rather than answered late. */
  planMaxInFlight: number
  /** The time a plan may take from the request's arrival: the product promises two seconds. */
  planBudgetMs: number
  /**
   * A plan whose handler starts this late arrived at an overloaded process and is turned away at
   * once (503), since whatever it does next is likely to be late.
   */
  planMaxQueueWaitMs: number
  /** Absent means a random per-process secret: tokens die with the process. */
  jwtSecret?: string
  trustProxy: TrustProxy
  logLevel: Static<typeof LogLevel>
  bodyLimitBytes: number
  statusTtlMs: number
  /** How long running generations may finish once shutdown begins; the rest go back to the queue. */
  shutdownGraceMs: number
  generation: {
    /** Reports this process writes at once; the rest wait in the shared queue. */
    concurrency: number
    /** Attempts per report when the process writing it dies or shuts down, before it is failed. */
    maxAttempts: number
    /** A running job whose process has not been heard from for this long is taken up again. */
    heartbeatSeconds: number
    /** How often the queue looks for such jobs (and does its upkeep). */
    monitorSeconds: number
    /** Least time between two progress events of one report (headings always count). */
    progressIntervalMs: number
    /**
     * Sample conversions a new conversion thread runs while Claude writes its first report, so the
     * report itself converts on optimised code (0: none).
     */
    conversionWarmUpRounds: number
  }
  idempotencyKeyTtlMs: number
  /** Shared rate-limit counters across replicas; absent means per-process memory. */
  redisUrl?: string
  sse: { heartbeatMs: number, idleTimeoutMs: number, maxDurationMs: number, retryMs: number }
  publicUrl?: string
  database: { connectTimeoutMs: number, queryTimeoutMs: number, readyTimeoutMs: number }
  /** What one user may hold at once or start per window; beyond it, 429. */
  limits: {
    generationsRunningPerUser: number
    generateRate: { max: number, windowMs: number }
    streamsPerUser: number
    streamsPerTopic: number
    templatesPerUser: number
  }
  /** The longest life a token may claim (exp − iat), and the oldest iat accepted. */
  jwtMaxAgeSeconds: number
  /**
   * GET /metrics (Prometheus): off unless METRICS_TOKEN (then a bearer token guards it) or
   * METRICS_ENABLED=true (open, for a network that only the scraper can reach).
   */
  metrics: { enabled: boolean, token?: string }
  /** GET /docs (Swagger UI) and /docs/json (the OpenAPI document), unauthenticated. */
  docsEnabled: boolean
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

const NUMERIC_KEYS = new Set(Object.entries(EnvSchema.properties)
  .filter(([, schema]) => schema.type === 'integer')
  .map(([key]) => key))

function parseTrustProxy (raw: string): TrustProxy {
  const value = raw.trim().toLowerCase()
  if (value === 'true') return true
  if (value === 'false' || value === '') return false
  if (/^\d+$/.test(value)) return Number(value)
  const addresses = raw.split(',').map((part) => part.trim()).filter(Boolean)
  if (addresses.every((address) => /^[0-9a-fA-F:.]+(\/\d{1,3})?$|^(loopback|linklocal|uniquelocal)$/.test(address))) {
    return addresses
  }
  throw new ConfigError('TRUST_PROXY must be true, false, a hop count, or a comma-separated list of addresses/CIDRs')
}

/** Saving the topic takes a moment after Claude's titles, so their deadline leaves at least this much of the budget. */
const PLAN_SAVE_RESERVE_MS = 100

/** The plan's deadlines all count from its arrival, so each must fall inside the budget. */
function checkPlanDeadlines (e: Env) {
  if (e.PLAN_LLM_TIMEOUT_MS > e.PLAN_BUDGET_MS - PLAN_SAVE_RESERVE_MS) {
    throw new ConfigError(`PLAN_LLM_TIMEOUT_MS (${e.PLAN_LLM_TIMEOUT_MS}) must be at most PLAN_BUDGET_MS minus ${PLAN_SAVE_RESERVE_MS} (${e.PLAN_BUDGET_MS - PLAN_SAVE_RESERVE_MS}), to leave time to save the topic`)
  }
  if (e.PLAN_MAX_QUEUE_WAIT_MS >= e.PLAN_BUDGET_MS) {
    throw new ConfigError(`PLAN_MAX_QUEUE_WAIT_MS (${e.PLAN_MAX_QUEUE_WAIT_MS}) must be less than PLAN_BUDGET_MS (${e.PLAN_BUDGET_MS}): a plan that waited that long has no time left to be answered`)
  }
}

/**
 * Reads and validates the configuration. Empty strings count as unset so that
 * `FOO=` in a compose file means "use the default" rather than "invalid".
 */
export function loadConfig (env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, unknown> = { ...ENV_DEFAULTS }
  for (const key of Object.keys(EnvSchema.properties)) {
    const value = env[key]
    if (value === undefined || value === '') continue
    if (NUMERIC_KEYS.has(key)) {
      const trimmed = value.trim()
      if (!/^-?\d+$/.test(trimmed)) throw new ConfigError(`${key} must be a whole number, got "${value}"`)
      raw[key] = Number(trimmed)
    } else {
      raw[key] = value
    }
  }

  const firstError = Value.Errors(EnvSchema, raw).First()
  if (firstError) {
    const key = firstError.path.replace(/^\//, '').split('/')[0] ?? firstError.path
    throw new ConfigError(`${key} is invalid: ${firstError.message}`)
  }
  const e = raw as Env
  checkPlanDeadlines(e)

  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.DATA_DIR),
    anthropic: {
      apiKey: e.ANTHROPIC_API_KEY,
      baseURL: e.ANTHROPIC_BASE_URL,
      planModel: e.CLAUDE_PLAN_MODEL,
      reportModel: e.CLAUDE_REPORT_MODEL,
      planTimeoutMs: e.PLAN_LLM_TIMEOUT_MS,
      planMaxTokens: e.PLAN_MAX_TOKENS,
      planRefineTimeoutMs: e.PLAN_REFINE_TIMEOUT_MS,
      reportMaxTokens: e.REPORT_MAX_TOKENS,
      reportTimeoutMs: e.REPORT_LLM_TIMEOUT_MS,
      reportMaxRetries: e.REPORT_LLM_MAX_RETRIES,
      reportRetryBaseMs: e.REPORT_LLM_RETRY_BASE_MS
    },
    offlinePieceDelayMs: e.OFFLINE_PIECE_DELAY_MS,
    planRateLimit: { max: e.PLAN_RATE_LIMIT_MAX, windowMs: e.PLAN_RATE_LIMIT_WINDOW_MS },
    planMaxInFlight: e.PLAN_MAX_IN_FLIGHT,
    planBudgetMs: e.PLAN_BUDGET_MS,
    planMaxQueueWaitMs: e.PLAN_MAX_QUEUE_WAIT_MS,
    jwtSecret: e.JWT_SECRET,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    logLevel: e.LOG_LEVEL,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    statusTtlMs: e.STATUS_TTL_MS,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    generation: {
      concurrency: e.GENERATION_CONCURRENCY,
      maxAttempts: e.GENERATION_MAX_ATTEMPTS,
      heartbeatSeconds: e.GENERATION_HEARTBEAT_SECONDS,
      monitorSeconds: e.GENERATION_MONITOR_SECONDS,
      progressIntervalMs: e.GENERATION_PROGRESS_INTERVAL_MS,
      conversionWarmUpRounds: e.CONVERSION_WARM_UP_ROUNDS
    },
    idempotencyKeyTtlMs: e.IDEMPOTENCY_KEY_TTL_MS,
    redisUrl: e.REDIS_URL,
    sse: {
      heartbeatMs: e.SSE_HEARTBEAT_MS,
      idleTimeoutMs: e.SSE_IDLE_TIMEOUT_MS,
      maxDurationMs: e.SSE_MAX_DURATION_MS,
      retryMs: e.SSE_RETRY_MS
    },
    publicUrl: e.PUBLIC_URL,
    database: { connectTimeoutMs: e.DB_CONNECT_TIMEOUT_MS, queryTimeoutMs: e.DB_QUERY_TIMEOUT_MS, readyTimeoutMs: e.READY_TIMEOUT_MS },
    limits: {
      generationsRunningPerUser: e.GENERATIONS_RUNNING_PER_USER,
      generateRate: { max: e.GENERATE_RATE_LIMIT_MAX, windowMs: e.GENERATE_RATE_LIMIT_WINDOW_MS },
      streamsPerUser: e.STREAMS_PER_USER,
      streamsPerTopic: e.STREAMS_PER_TOPIC,
      templatesPerUser: e.TEMPLATES_PER_USER
    },
    jwtMaxAgeSeconds: e.JWT_MAX_AGE_SECONDS,
    metrics: { enabled: e.METRICS_ENABLED === 'true' || e.METRICS_TOKEN !== undefined, token: e.METRICS_TOKEN },
    docsEnabled: e.DOCS_ENABLED === 'true'
  }
}
