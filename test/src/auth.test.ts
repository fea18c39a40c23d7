import t from 'tap'
import { VerifiedTokens } from '../../src/auth.js'

t.test('a verified token is trusted for the TTL, then must be verified again', async (t) => {
  let now = 1_000_000
  const tokens = new VerifiedTokens(30_000, 10, () => now)
  tokens.remember('a', 'alice', now / 1000 + 3600)
  t.equal(tokens.userOf('a'), 'alice')
  t.equal(tokens.userOf('b'), undefined, 'a token never verified is not known')
  now += 29_999
  t.equal(tokens.userOf('a'), 'alice')
  now += 1
  t.equal(tokens.userOf('a'), undefined, 'expired from the cache')
  t.equal(tokens.size, 0, 'and forgotten')
})

t.test('a remembered token never outlives its own exp', async (t) => {
  let now = 1_000_000
  const tokens = new VerifiedTokens(30_000, 10, () => now)
  tokens.remember('soon', 'bob', now / 1000 + 5)
  now += 4_999
  t.equal(tokens.userOf('soon'), 'bob')
  now += 1
  t.equal(tokens.userOf('soon'), undefined, 'refused from the token\'s exp on')
  tokens.remember('gone', 'bob', now / 1000 - 1)
  t.equal(tokens.size, 0, 'an already expired token is not kept at all')
})

t.test('when full, the oldest entry makes room', async (t) => {
  const now = 1_000_000
  const tokens = new VerifiedTokens(30_000, 2, () => now)
  tokens.remember('1', 'u1', now / 1000 + 60)
  tokens.remember('2', 'u2', now / 1000 + 60)
  tokens.remember('3', 'u3', now / 1000 + 60)
  t.equal(tokens.size, 2)
  t.equal(tokens.userOf('1'), undefined)
  t.equal(tokens.userOf('2'), 'u2')
  t.equal(tokens.userOf('3'), 'u3')
})
