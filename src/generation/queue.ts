import type { FastifyBaseLogger } from 'fastify'
import type { PgBoss } from 'pg-boss'
import type { DatabaseHandle } from '../db/client.js'

/** The report jobs; a job whose attempts are used up moves to the dead-letter queue. */
export const REPORT_QUEUE = 'report-generation'
export const REPORT_DEAD_QUEUE = 'report-generation-dead'

export interface ReportJobData {
  topicId: number
  /** The run's id, as the topic row records it (a dead-lettered copy gets a new job id). */
  run: string
  /** The /generate request that queued it, so the job's log lines can be traced back to it. */
  requestId?: string
}

export interface JobQueueOptions {
  database: DatabaseHandle
  log: FastifyBaseLogger
  maxAttempts: number
  heartbeatSeconds: number
  monitorSeconds: number
  /** A job running longer than this is taken away from its worker; it bounds a report's writing. */
  expireInSeconds: number
}

/**
 * pg-boss on the service's own database: on Postgres with a small pool of its own, on PGlite
 * through the same single connection as everything else (pg-boss's `pglite` backend). Job
 * creation raises a NOTIFY, so an idle worker on any replica wakes at once.
 */
export async function openJobQueue (options: JobQueueOptions): Promise<PgBoss> {
  const { database, log } = options
  // pg-boss and node-postgres under it take about 0.1 s to load; the server opens the queue once
  // it listens, so they load after that rather than before.
  const { PgBoss, fromPglite } = await import('pg-boss')
  const common = {
    useListenNotify: true,
    schedule: false,
    superviseIntervalSeconds: options.monitorSeconds,
    monitorIntervalSeconds: options.monitorSeconds,
    application_name: 'reportflow-jobs'
  }
  const boss = database.pglite
    ? new PgBoss({ ...common, db: fromPglite(database.pglite), backend: 'pglite' })
    : new PgBoss({ ...common, connectionString: database.url, max: 4 })
  boss.on('error', (error) => log.error({ err: error }, 'job queue error'))
  boss.on('warning', (warning) => log.warn({ warning: warning.message }, 'job queue warning'))
  await boss.start()

  await ensureQueue(boss, REPORT_DEAD_QUEUE, { notify: true })
  await ensureQueue(boss, REPORT_QUEUE, {
    notify: true,
    retryLimit: options.maxAttempts - 1,
    retryDelay: 0,
    heartbeatSeconds: options.heartbeatSeconds,
    expireInSeconds: options.expireInSeconds,
    deadLetter: REPORT_DEAD_QUEUE
  })
  return boss
}

type QueueSettings = NonNullable<Parameters<PgBoss['createQueue']>[1]>

/** Creates the queue, or brings an existing one's settings up to this configuration (a deploy may change them). */
async function ensureQueue (boss: PgBoss, name: string, settings: QueueSettings): Promise<void> {
  if (await boss.getQueue(name)) {
    const { deadLetter, ...updatable } = settings
    await boss.updateQueue(name, { ...updatable, ...(deadLetter ? { deadLetter } : {}) })
  } else {
    await boss.createQueue(name, settings)
  }
}
