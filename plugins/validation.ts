import { Ajv, type Options } from 'ajv'
import addFormats from 'ajv-formats'
import type { FastifyInstance, FastifySchema, FastifySchemaValidationError } from 'fastify'
import fp from 'fastify-plugin'
import { compiledOncePerSchema } from '../src/schemas/compile-once.js'
import { findUnstorableText, UNSTORABLE_TEXT_MESSAGE } from '../src/text.js'

const shared: Options = { allErrors: false, useDefaults: true, removeAdditional: false, strict: false }

function makeAjv (coerceTypes: boolean) {
  const ajv = new Ajv({ ...shared, coerceTypes })
  addFormats.default(ajv)
  return ajv
}

interface Validator {
  (data: unknown): boolean
  errors?: FastifySchemaValidationError[] | null
}

/**
 * PostgreSQL text cannot hold a NUL character, and a lone UTF-16 surrogate is no character at all,
 * so text carrying either is refused before any schema or handler sees it, whatever the route:
 * a field added tomorrow is covered without anyone remembering to.
 */
function refusingUnstorableText (validate: Validator): Validator {
  const guarded: Validator = (data) => {
    const path = findUnstorableText(data)
    if (path !== undefined) {
      guarded.errors = [{ instancePath: path, schemaPath: '#/text', keyword: 'text', params: {}, message: UNSTORABLE_TEXT_MESSAGE }]
      return false
    }
    const valid = validate(data)
    guarded.errors = validate.errors
    return valid
  }
  return guarded
}

/**
 * Fastify compiles every validator of every route before the server listens. Compiled at its
 * route's first request instead, the thirty-odd validators no longer hold up the start (they were
 * 0.2 s of it), and a request pays a few milliseconds once per route and process.
 */
function compiledOnFirstUse (compile: () => Validator): Validator {
  let validate: Validator | undefined
  const lazy: Validator = (data) => {
    validate ??= compile()
    const valid = validate(data)
    lazy.errors = validate.errors
    return valid
  }
  return lazy
}

const compilerFor = (ajv: Ajv) => compiledOncePerSchema(({ schema }: { schema: FastifySchema }) =>
  refusingUnstorableText(compiledOnFirstUse(() => ajv.compile(schema as FastifySchema & object) as Validator)))

/**
 * JSON bodies are validated exactly as sent — a number where a string belongs is an error, not
 * something to coerce — while path and query parameters, which only exist as text, are coerced
 * to the types their schemas declare. Both compilers are the process's, so that an app built after
 * another (the tests build dozens in one process) compiles nothing the first one already did.
 */
const strictCompiler = compilerFor(makeAjv(false))
const coercingCompiler = compilerFor(makeAjv(true))

export default fp(async function validation (app: FastifyInstance) {
  // The API speaks JSON only; a text/plain body is a client mistake, not a string to validate.
  app.removeContentTypeParser('text/plain')

  app.setValidatorCompiler((definition) =>
    definition.httpPart === 'body' ? strictCompiler(definition) : coercingCompiler(definition))
}, { name: 'validation' })
