import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.js'
import { ConfigError, loadConfig } from './config.js'
import { DEMO_USER_ID } from './auth.js'

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

const app = await buildApp({ config })

closeWithGrace({ delay: config.shutdownGraceMs + 5000 }, async ({ signal, err }) => {
  if (err) app.log.error({ err }, 'shutting down after an unexpected error')
  else app.log.info({ signal }, 'shutting down')
  await app.close()
})

await app.listen({ port: config.port, host: config.host })

if (!config.jwtSecret) {
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : config.port
  const base = config.publicUrl ?? `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`
  const token = app.signToken(DEMO_USER_ID)
  app.log.warn({ user: DEMO_USER_ID, token }, `Development sign-in link for user "${DEMO_USER_ID}": ${base}/?token=${token}`)
}
