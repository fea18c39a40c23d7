import { Ajv, type Options } from 'ajv'
import addFormats from 'ajv-formats'
import type { FastifyInstance, FastifySchema } from 'fastify'
import fp from 'fastify-plugin'

const shared: Options = { allErrors: false, useDefaults: true, removeAdditional: false, strict: false }

function makeAjv (coerceTypes: boolean) {
  const ajv = new Ajv({ ...shared, coerceTypes })
  addFormats.default(ajv)
  return ajv
}

/**
 * JSON bodies are validated exactly as sent — a number where a string belongs is an error, not
 * something to coerce — while path and query parameters, which only exist as text, are coerced
 * to the types their schemas declare.
 */
export default fp(async function validation (app: FastifyInstance) {
  const strict = makeAjv(false)
  const coercing = makeAjv(true)

  // The API speaks JSON only; a text/plain body is a client mistake, not a string to validate.
  app.removeContentTypeParser('text/plain')

  app.setValidatorCompiler(({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? strict : coercing
    return ajv.compile(schema as FastifySchema & object)
  })
}, { name: 'validation' })
