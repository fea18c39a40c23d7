import { Type } from '@sinclair/typebox'
import { Timestamp } from './common.js'

export const TemplateSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  description: Type.String(),
  prompt_system: Type.String(),
  is_default: Type.Boolean(),
  scope: Type.Union([Type.Literal('shared'), Type.Literal('own')]),
  created_at: Timestamp,
  updated_at: Timestamp
})

export const NewTemplateSchema = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }),
  description: Type.Optional(Type.String({ maxLength: 2000 })),
  prompt_system: Type.String({ minLength: 1, maxLength: 20000, pattern: '\\S' })
}, { additionalProperties: false, examples: [{ name: '시장 분석 보고서', description: '시장 규모와 경쟁 구도 중심', prompt_system: '당신은 시장 분석 전문가입니다…' }] })

/** The template a plan or a report follows; none (or null) is the default one. */
export const TemplateIdSchema = Type.Union([Type.Integer({ minimum: 1, maximum: 2_147_483_647 }), Type.Null()], {
  description: '템플릿 ID; 없거나 null이면 기본 템플릿'
})
