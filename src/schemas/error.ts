import { Type } from '@sinclair/typebox'
import { ERROR_STATUS } from '../errors.js'

export const ErrorEnvelope = Type.Object({
  success: Type.Literal(false),
  error: Type.Object({
    code: Type.Union(Object.keys(ERROR_STATUS).map((code) => Type.Literal(code))),
    message: Type.String(),
    details: Type.Optional(Type.Unknown()),
    hint: Type.Optional(Type.String())
  }),
  meta: Type.Object({ requestId: Type.String() })
}, { $id: 'ErrorEnvelope', description: 'Every error answer has this shape.' })

/** A reference to the envelope, the schema of every error answer. */
export const ErrorAnswer = Type.Ref(ErrorEnvelope)

/** Error answers every authenticated route can give, for response typing and the OpenAPI document (503: the database is unavailable). */
export const authErrors = {
  400: ErrorAnswer,
  401: ErrorAnswer,
  500: ErrorAnswer,
  503: ErrorAnswer
}

/** What a route that takes a body adds: one larger than BODY_LIMIT_BYTES is refused. */
export const bodyErrors = {
  413: ErrorAnswer
}

export const withNotFound = {
  ...authErrors,
  404: ErrorAnswer
}
