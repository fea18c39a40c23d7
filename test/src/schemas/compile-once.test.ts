import t from 'tap'
import { Type } from '@sinclair/typebox'
import { compiledOncePerSchema } from '../../../src/schemas/compile-once.js'

t.test('equal schemas share one compiled function; different ones compile apart', async (t) => {
  const compiled: unknown[] = []
  const compile = compiledOncePerSchema(({ schema }: { schema: unknown }) => {
    compiled.push(schema)
    return () => JSON.stringify(schema)
  })
  // Built separately, as two routes declaring the same answer would.
  const first = compile({ schema: Type.Object({ success: Type.Literal(false), code: Type.String() }) })
  const second = compile({ schema: Type.Object({ success: Type.Literal(false), code: Type.String() }) })
  const other = compile({ schema: Type.Object({ success: Type.Literal(true) }) })
  t.equal(first, second, 'the second equal schema gets the first one\'s function')
  t.not(first, other)
  t.equal(compiled.length, 2, 'compiled once per distinct schema')
})
