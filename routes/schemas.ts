import { Type, type TSchema } from '@sinclair/typebox'
import { ERROR_STATUS } from '../src/errors.js'

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

export const Success = <T extends TSchema>(data: T) => Type.Object({
  success: Type.Literal(true),
  data
})

export const IdParams = Type.Object({
  id: Type.Integer({ minimum: 1, maximum: 2_147_483_647, description: 'Numeric id' })
})

/** Error answers every authenticated route can give, for response typing and the OpenAPI document (503: the database is unavailable). */
export const authErrors = {
  400: Type.Ref(ErrorEnvelope),
  401: Type.Ref(ErrorEnvelope),
  500: Type.Ref(ErrorEnvelope),
  503: Type.Ref(ErrorEnvelope)
}

export const withNotFound = {
  ...authErrors,
  404: Type.Ref(ErrorEnvelope)
}

export const ok = <T>(data: T) => ({ success: true as const, data })

export const Timestamp = Type.String({ format: 'date-time' })
export const NullableTimestamp = Type.Union([Timestamp, Type.Null()])

/**
 * `?page=&page_size=` of a list. The page is bounded so that its offset stays a small whole
 * number: 1e20, Infinity or 2^63 answer 400 instead of reaching the database.
 */
export const Pagination = (defaultPageSize: number) => Type.Object({
  page: Type.Integer({ minimum: 1, maximum: 100_000, default: 1 }),
  page_size: Type.Integer({ minimum: 1, maximum: 100, default: defaultPageSize })
})

export const Page = <T extends TSchema>(item: T) => Type.Object({
  items: Type.Array(item),
  page: Type.Integer(),
  page_size: Type.Integer(),
  total: Type.Integer()
})
