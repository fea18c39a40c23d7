import closeWithGrace from 'close-with-grace'
import { ConfigError, loadConfig } from './src/config.js'
import { DEMO_USER_ID } from './src/auth.js'
import { databaseOptions, openDatabase } from './src/db/client.js'
import { signInNotice } from './src/logging.js'

let config
try {
  config = loadConfig()
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`Configuration error: ${error.message}`)
    process.exit(78)
  }
  throw error
}

// Opening the database — for PGlite, compiling PostgreSQL's WebAssembly and starting it — takes about
// as long as loading the app's modules, so it runs while they load rather than after.
// The logger comes with the app, so what opening warns of waits for it.
const openingWarnings: Array<{ err: unknown, message: string }> = []
const opening = openDatabase({ ...databaseOptions(config), warn: (err, message) => openingWarnings.push({ err, message }) })
const { buildApp } = await import('./app.js')
const database = await opening
const app = await buildApp({ config, database, startWorkersAfterListen: true })
for (const { err, message } of openingWarnings) app.log.warn({ err }, message)

// The grace for running reports, then 5 s to hand the rest back to the queue and end the streams:
// cutting that short leaves the reports to wait for their heartbeat to expire. Docker's default
// stop timeout (10 s) fits the default grace (3 s); a longer grace needs a longer stop timeout.
closeWithGrace({ delay: config.shutdownGraceMs + 5000 }, async ({ signal, err }) => {
  if (err) app.log.error({ err }, 'shutting down after an unexpected error')
  else app.log.info({ signal }, 'shutting down')
  await app.close()
  await database.close()
})

await app.listen({ port: config.port, host: config.host })
await app.generator.start()

if (!config.jwtSecret) {
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : config.port
  const base = config.publicUrl ?? `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`
  const token = app.signToken(DEMO_USER_ID)
  const link = `${base}/?token=${token}`
  app.log.warn({ user: DEMO_USER_ID, token }, `Development sign-in link for user "${DEMO_USER_ID}": ${link}`)
  // A person at a terminal gets the link on a line of its own, where a click opens it; log
  // collectors keep getting nothing but JSON lines.
  if (process.stdout.isTTY) process.stdout.write(signInNotice(DEMO_USER_ID, link))
}
