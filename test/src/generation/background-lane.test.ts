import t from 'tap'
import { PGlite } from '@electric-sql/pglite'
import { BackgroundLane } from '../../../src/generation/background-lane.js'

/** A statement that takes PGlite a moment, so that order is all that tells them apart. */
const WORK = 'select count(*) from generate_series(1, 20000)'

t.test('on PGlite a request\'s statements wait for at most one background statement each', async (t) => {
  const pglite = new PGlite()
  t.teardown(() => pglite.close())
  const lane = new BackgroundLane()
  const shared = lane.shared(pglite)
  const finished: string[] = []

  const background = Array.from({ length: 10 }, (_, i) =>
    lane.run(async () => { await shared.query(WORK); finished.push(`background ${i}`) }))
  const queue = lane.background(pglite)
  const queued = Array.from({ length: 10 }, (_, i) => queue.query(WORK).then(() => { finished.push(`queue ${i}`) }))
  // A request arriving while twenty background statements wait, and making three statements in turn.
  const request = (async () => {
    await new Promise((resolve) => setImmediate(resolve))
    for (let i = 0; i < 3; i++) await shared.query(WORK)
    finished.push('request')
  })()
  await Promise.all([...background, ...queued, request])

  t.equal(finished.length, 21)
  t.ok(finished.indexOf('request') <= 3, `the request finished after at most 3 background statements (order: ${finished.join(', ')})`)
  t.same(finished.filter((name) => name.startsWith('background')), Array.from({ length: 10 }, (_, i) => `background ${i}`), 'background work keeps its order')
})

t.test('a background transaction holds the lane; statements outside the lane go straight through', async (t) => {
  const pglite = new PGlite()
  t.teardown(() => pglite.close())
  const lane = new BackgroundLane()
  const shared = lane.shared(pglite)
  await shared.exec('create table seen (n int)')
  await lane.run(() => shared.transaction(async (tx) => {
    await tx.query('insert into seen values (1)')
    await tx.query('insert into seen values (2)')
  }))
  const { rows } = await shared.query<{ total: number }>('select sum(n)::int as total from seen')
  t.equal(rows[0]!.total, 3)
  t.equal(typeof lane.background(pglite).listen, 'function', 'the rest of PGlite is reachable through the lane\'s client')
})
