import { Type, type TLiteral, type TSchema, type SchemaOptions } from '@sinclair/typebox'

/** The one way a list of words becomes a schema: each word a literal, so the words are spelled only in the list. */
export const OneOf = <T extends string>(values: readonly T[], options?: SchemaOptions) =>
  Type.Union(values.map((value) => Type.Literal(value)) as Array<TLiteral<T>>, options)

export const Nullable = <T extends TSchema>(schema: T, options?: SchemaOptions) => Type.Union([schema, Type.Null()], options)

export const Timestamp = Type.String({ format: 'date-time' })
export const NullableTimestamp = Nullable(Timestamp)

/** A Postgres `integer` id, named in the path. */
export const IdParams = Type.Object({
  id: Type.Integer({ minimum: 1, maximum: 2_147_483_647, description: 'Numeric id' })
})

export const Success = <T extends TSchema>(data: T) => Type.Object({
  success: Type.Literal(true),
  data
})

export const ok = <T>(data: T) => ({ success: true as const, data })

/** What a DELETE answers. */
export const Deleted = Type.Object({ id: Type.Integer(), deleted: Type.Literal(true) })

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
