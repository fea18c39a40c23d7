import net from 'node:net'

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
