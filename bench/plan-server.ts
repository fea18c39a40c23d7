import { startBenchServer } from './support.js'

/**
 * The service in a process of its own, as in production: the benchmark's 50 clients do not take
 * CPU from its event loop. Usage: plan-server.ts <claude base URL> [database URL]; prints its URL.
 */
const [claudeUrl, databaseUrl = ''] = process.argv.slice(2)
const server = await startBenchServer({ ANTHROPIC_API_KEY: 'bench', ANTHROPIC_BASE_URL: claudeUrl! }, databaseUrl)
process.stdout.write(`${server.url} ${server.driver}\n`)
process.on('SIGTERM', () => { server.close().finally(() => process.exit(0)) })
