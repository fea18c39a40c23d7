import t from 'tap'
import { Type } from '@sinclair/typebox'
import { compiledOncePerSchema, compilerPerArguments } from '../../../src/schemas/compile-once.js'

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

t.test('compilers made from equal arguments are one, so an app built after another compiles nothing again', async (t) => {
  const made: unknown[] = []
  const compiled: unknown[] = []
  const compilerFor = compilerPerArguments((externalSchemas: unknown[], options: { rounding: string }) => {
    made.push([externalSchemas, options])
    return ({ schema }: { schema: unknown }) => {
      compiled.push(schema)
      return () => `${options.rounding}:${JSON.stringify(schema)}`
    }
  })
  const answer = () => ({ schema: Type.Object({ success: Type.Literal(true) }) })
  // Each app passes its own, equal arguments.
  const firstApp = compilerFor([Type.Object({ code: Type.String() }, { $id: 'Error' })], { rounding: 'trunc' })
  const secondApp = compilerFor([Type.Object({ code: Type.String() }, { $id: 'Error' })], { rounding: 'trunc' })
  t.equal(firstApp, secondApp)
  t.equal(firstApp(answer()), secondApp(answer()), 'the second app gets the function the first compiled')
  t.equal(compiled.length, 1)

  const otherOptions = compilerFor([Type.Object({ code: Type.String() }, { $id: 'Error' })], { rounding: 'ceil' })
  t.not(otherOptions, firstApp, 'other arguments, another compiler')
  t.equal(otherOptions(answer())(), `ceil:${JSON.stringify(answer().schema)}`, 'compiled with its own arguments')
  t.equal(made.length, 2, 'one compiler made per distinct arguments')
  t.equal(compiled.length, 2)
})
