// Status streams at scale: 1 000, 5 000 and 10 000 concurrent SSE clients on one topic.
//   npx tsx bench/sse.ts                 (all three sizes; writes bench/sse-results.md)
//   npx tsx bench/sse.ts 2000            (one size; prints only)
// The server runs in a child process (forked from this file), so its heap and RSS hold only the
// server's side of the streams, and the clients' event loop cannot slow the server's.
import { execSync, fork, type ChildProcess } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import { fileURLToPath } from 'node:url'
import { createTopic } from '../src/topics/repository.js'
import { authHeader, ms, startBenchServer, summarize } from './support.js'

const UPDATES = 20
const CONNECT_CONCURRENCY = 200
const DELIVERY_TIMEOUT_MS = 60_000

type ToServer = { type: 'measure' } | { type: 'update', progress: number } | { type: 'stop' }
type FromServer =
  | { type: 'ready', port: number, topicId: number }
  | { type: 'measured', heapUsed: number, rss: number, subscribers: number }
  | { type: 'updated', id: number, at: number, fanOutMs: number }

/** A wall-clock time in ms with sub-ms resolution that two processes on one machine agree on. */
const wallNow = () => performance.timeOrigin + performance.now()

async function serverRole () {
  const server = await startBenchServer({
    // Nothing may end a stream during the run but the benchmark itself.
    SSE_IDLE_TIMEOUT_MS: '3600000',
    SSE_HEARTBEAT_MS: '15000'
  })
  const topic = await createTopic(server.app.db, { userId: 'bench-sse', topic: 'SSE 벤치마크', templateId: null })
  server.app.statusStore.begin(topic.id, '벤치마크')
  const send = (message: FromServer) => process.send!(message)
  process.on('message', async (message: ToServer) => {
    if (message.type === 'measure') {
      for (let i = 0; i < 3; i++) globalThis.gc!()
      const { heapUsed, rss } = process.memoryUsage()
      send({ type: 'measured', heapUsed, rss, subscribers: server.app.statusStore.subscriberCount(topic.id) })
    } else if (message.type === 'update') {
      const at = wallNow()
      server.app.statusStore.update(topic.id, { progress_percent: message.progress })
      // Every stream's write happens in the promise jobs the update sets off (the sockets take
      // small writes synchronously), so the next check phase marks the end of the server's work.
      setImmediate(() => {
        send({ type: 'updated', id: server.app.statusStore.latestEvent(topic.id)!.id, at, fanOutMs: wallNow() - at })
      })
    } else {
      await server.close()
      process.exit(0)
    }
  })
  send({ type: 'ready', port: Number(new URL(server.url).port), topicId: topic.id })
}

class ServerProcess {
  readonly #child: ChildProcess
  #waiting: Array<(message: FromServer) => void> = []

  constructor () {
    this.#child = fork(fileURLToPath(import.meta.url), [], {
      execArgv: [...process.execArgv, '--expose-gc'],
      env: { ...process.env, BENCH_SSE_ROLE: 'server' }
    })
    this.#child.on('message', (message: FromServer) => this.#waiting.shift()?.(message))
  }

  next<T extends FromServer['type']> (type: T): Promise<Extract<FromServer, { type: T }>> {
    return new Promise((resolve, reject) => {
      this.#waiting.push((message) => message.type === type
        ? resolve(message as Extract<FromServer, { type: T }>)
        : reject(new Error(`expected ${type}, got ${message.type}`)))
    })
  }

  ask<T extends FromServer['type']> (message: ToServer, reply: T) {
    const answer = this.next(reply)
    this.#child.send(message)
    return answer
  }

  async stop () {
    const exited = new Promise((resolve) => this.#child.once('exit', resolve))
    this.#child.send({ type: 'stop' })
    await exited
  }
}

/** Per event id: how many clients have it and when the last one got it. */
const deliveries = new Map<number, { count: number, lastAt: number }>()

/** A bare-bones client: a socket of its own, and the ids of the events it receives. */
function connect (port: number, topicId: number, headers: Record<string, string>): Promise<http.ClientRequest> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, path: `/api/topics/${topicId}/status/stream`, headers, agent: false })
    request.once('error', reject)
    request.once('response', (response) => {
      if (response.statusCode !== 200) return reject(new Error(`stream answered ${response.statusCode}`))
      response.setEncoding('utf8')
      let connected = false
      response.on('data', (chunk: string) => {
        const at = wallNow()
        for (const match of chunk.matchAll(/^id: (\d+)$/gm)) {
          const id = Number(match[1])
          const delivery = deliveries.get(id) ?? { count: 0, lastAt: 0 }
          delivery.count++
          delivery.lastAt = Math.max(delivery.lastAt, at)
          deliveries.set(id, delivery)
        }
        if (!connected) {
          connected = true
          resolve(request)
        }
      })
    })
    request.end()
  })
}

async function waitUntil (condition: () => boolean, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
}

interface Result {
  streams: number
  connectSeconds: number
  heapPerStream: number
  rssPerStream: number
  latency: ReturnType<typeof summarize>
  fanOut: ReturnType<typeof summarize>
}

async function run (streams: number): Promise<Result> {
  deliveries.clear()
  const server = new ServerProcess()
  const { port, topicId } = await server.next('ready')
  const before = await server.ask({ type: 'measure' }, 'measured')

  const headers = authHeader('bench-sse')
  const clients: http.ClientRequest[] = []
  const connectStarted = performance.now()
  let opened = 0
  await Promise.all(Array.from({ length: CONNECT_CONCURRENCY }, async () => {
    while (opened < streams) {
      opened++
      clients.push(await connect(port, topicId, headers))
    }
  }))
  const connectSeconds = (performance.now() - connectStarted) / 1000

  const after = await server.ask({ type: 'measure' }, 'measured')
  if (after.subscribers !== streams) throw new Error(`${after.subscribers} subscribers for ${streams} streams`)

  const latencies: number[] = []
  const fanOuts: number[] = []
  for (let i = 1; i <= UPDATES; i++) {
    const { id, at, fanOutMs } = await server.ask({ type: 'update', progress: i }, 'updated')
    fanOuts.push(fanOutMs)
    await waitUntil(() => (deliveries.get(id)?.count ?? 0) >= streams, DELIVERY_TIMEOUT_MS, `event ${id} on ${streams} streams`)
    latencies.push(deliveries.get(id)!.lastAt - at)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }

  for (const client of clients) client.destroy()
  await server.stop()
  return {
    streams,
    connectSeconds,
    heapPerStream: (after.heapUsed - before.heapUsed) / streams,
    rssPerStream: (after.rss - before.rss) / streams,
    latency: summarize(latencies),
    fanOut: summarize(fanOuts)
  }
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`

async function main () {
  const fdLimit = Number(execSync('ulimit -n', { shell: '/bin/bash' }).toString().trim())
  const requested = process.argv[2] ? [Number(process.argv[2])] : [1000, 5000, 10_000]
  // Each stream is one socket in this process and one in the server's; leave room for the rest.
  const sizes = requested.filter((size) => size + 200 <= fdLimit)
  const skipped = requested.filter((size) => !sizes.includes(size))

  const results: Result[] = []
  for (const size of sizes) {
    const result = await run(size)
    results.push(result)
    console.log(`${size} streams: connected in ${result.connectSeconds.toFixed(1)} s, ` +
      `heap ${kb(result.heapPerStream)}/stream, RSS ${kb(result.rssPerStream)}/stream, ` +
      `update → last client p50 ${ms(result.latency.p50)}, p99 ${ms(result.latency.p99)}, ` +
      `server fan-out p50 ${ms(result.fanOut.p50)}`)
  }

  const report = [
    '# SSE status streams: memory and fan-out latency',
    '',
    `Measured by \`npx tsx bench/sse.ts\` on ${new Date().toISOString().slice(0, 10)}: Node ${process.version}, ` +
      `${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim()}), load average ${os.loadavg()[0]!.toFixed(1)} at the end ` +
      '(the machine was shared with other work), embedded PGlite, `ulimit -n` ' + `${fdLimit}.`,
    '',
    '| concurrent streams | connect all | server heap / stream | server RSS / stream | update → last client, p50 | p99 | server fan-out, p50 | p99 |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...results.map((r) => `| ${r.streams.toLocaleString('en')} | ${r.connectSeconds.toFixed(1)} s | ${kb(r.heapPerStream)} | ` +
      `${kb(r.rssPerStream)} | ${ms(r.latency.p50)} | ${ms(r.latency.p99)} | ${ms(r.fanOut.p50)} | ${ms(r.fanOut.p99)} |`),
    ...(skipped.length ? ['', `Skipped for the file-descriptor limit (${fdLimit}): ${skipped.join(', ')} streams.`] : []),
    '',
    '## How',
    '',
    '- The server (`buildApp`, as in production, logging off) runs in a **child process** forked from the script;',
    '  the clients run in the parent, each a raw `http.request` with `agent: false` (one socket per stream), all',
    `  on one topic, opened ${CONNECT_CONCURRENCY} at a time, each counted once its first event has arrived.`,
    '- Memory per stream: the server\'s `heapUsed` and `rss` after three forced GCs with every stream open, minus',
    '  the same before any stream, divided by the number of streams. RSS includes socket buffers and the heap growth.',
    `- Latency: ${UPDATES} updates, 50 ms apart once the previous one has reached every client; each is timed from the`,
    '  `statusStore.update()` call in the server to the `data` event of the last of the N clients in the parent',
    '  (`performance.timeOrigin + performance.now()` on both sides); with 20 samples, p99 is the maximum.',
    '  It includes the client process working through N sockets on one event loop, so it overstates what',
    '  any single browser waits.',
    '- Server fan-out: from the same `update()` call to the server\'s next check phase (`setImmediate`), by which',
    '  time every stream has handed its bytes to its socket: the server\'s own share of the latency.',
    '- Every stream is one socket in each process: the sizes that fit under `ulimit -n` are run.',
    ''
  ].join('\n')
  if (process.argv[2]) {
    console.log(`\n${report}`)
  } else {
    writeFileSync(new URL('./sse-results.md', import.meta.url), report)
    console.log('\nwritten to bench/sse-results.md')
  }
}

if (process.env.BENCH_SSE_ROLE === 'server') await serverRole()
else await main()
