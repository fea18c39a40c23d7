import net from 'node:net'
import { sql } from 'drizzle-orm'
import type { DatabaseHandle } from '../../src/db/client.js'
import { TEST_DATABASE_URL } from './database.js'

export type ProxyMode = 'pass' | 'hang' | 'refuse'

/**
 * A TCP proxy in front of a test's PostgreSQL or Redis that the test can make refuse connections
 * (a stopped server) or go silent (a paused one), without touching the machine's shared server.
 */
export async function startTcpProxy (target: { host: string, port: number }) {
  let mode: ProxyMode = 'pass'
  const open = new Set<net.Socket>()
  const server = net.createServer((client) => {
    open.add(client)
    client.on('close', () => open.delete(client))
    client.on('error', () => {})
    if (mode === 'refuse') return client.destroy()
    if (mode === 'hang') return // accepted, and never a byte back
    const upstream = net.connect(target.port, target.host)
    open.add(upstream)
    upstream.on('close', () => { open.delete(upstream); client.destroy() })
    upstream.on('error', () => {})
    client.on('close', () => upstream.destroy())
    client.on('data', (chunk) => { if (mode === 'pass') upstream.write(chunk) })
    upstream.on('data', (chunk) => { if (mode === 'pass') client.write(chunk) })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as net.AddressInfo).port,
    set (next: ProxyMode) {
      mode = next
      // A stopped server drops its connections; a paused one keeps them and answers nothing.
      if (next === 'refuse') for (const socket of open) socket.destroy()
    },
    close: () => {
      for (const socket of open) socket.destroy()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}

/**
 * A proxy in front of the test's own PostgreSQL database (one createTestDatabase made and
 * migrated) and the URL that reaches that database through it.
 */
export async function proxyToTestDatabase (t: { teardown: (fn: () => unknown) => void }, database: DatabaseHandle) {
  const target = new URL(TEST_DATABASE_URL!)
  const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) })
  t.teardown(() => proxy.close())
  const [row] = await database.db.execute(sql`select current_database() as name`) as unknown as Array<{ name: string }>
  const proxied = new URL(TEST_DATABASE_URL!)
  proxied.host = `127.0.0.1:${proxy.port}`
  proxied.pathname = `/${row!.name}`
  return { proxy, url: proxied.toString() }
}
