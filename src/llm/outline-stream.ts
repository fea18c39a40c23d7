import { JSONParser } from '@streamparser/json'
import { Type } from '@sinclair/typebox'
import { InvalidModelOutputError, type Outline, type OutlineListener } from './provider.js'

export const OUTLINE_TOOL = 'submit_report_outline'

export const OUTLINE_LIMITS = { minSections: 3, maxSections: 10, sectionTitleChars: 100, descriptionChars: 500 }

/**
 * The tool input, in the order the model writes it: every section title first — all a user
 * needs to review the plan, and all `/plan` waits for — then one description per section, which
 * arrive after the answer. The report's title is the user's topic, which spares the model
 * writing it before the deadline. Length limits are checked here rather than in the schema,
 * which strict tool use does not let carry them.
 */
export const OutlineToolInputSchema = Type.Object({
  section_titles: Type.Array(Type.String({ description: '섹션 제목: 번호 없이, 12자 이내' }), {
    description: '순서대로 정렬된 섹션 제목 5~7개'
  }),
  descriptions: Type.Array(Type.String({ description: '이 섹션에서 다룰 내용과 핵심 포인트 한두 문장 (80자 이내)' }), {
    description: 'section_titles와 같은 순서로, 섹션마다 하나씩'
  })
}, { additionalProperties: false })

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim()

/**
 * Reads the tool input as its JSON streams in, and tells the listener the moment the skeleton
 * (the section titles) is complete, then each description as it closes.
 */
export class OutlineStreamReader {
  private sectionTitles: string[] | undefined
  private readonly descriptions: string[] = []
  private readonly parser = new JSONParser({ paths: ['$.section_titles', '$.descriptions.*'], keepStack: false })
  private failure: Error | undefined

  constructor (private readonly title: string, private readonly listener: OutlineListener) {
    this.parser.onValue = ({ value, key, stack }) => {
      try {
        this.accept(value, key, stack.length)
      } catch (error) {
        this.failure ??= error as Error
      }
    }
    this.parser.onError = (error) => { this.failure ??= new InvalidModelOutputError(`the outline is not valid JSON: ${error.message}`) }
  }

  /** Throws, once the input is known to be unusable, so the caller can stop the stream. */
  write (partialJson: string) {
    if (this.failure) throw this.failure
    this.parser.write(partialJson)
    if (this.failure) throw this.failure
  }

  /** The whole outline, once the model has finished; descriptions it left out stay empty. */
  finish (): Outline {
    if (this.failure) throw this.failure
    if (!this.sectionTitles) throw new InvalidModelOutputError('the outline has no section titles')
    return {
      title: this.title,
      sections: this.sectionTitles.map((title, index) => ({ title, description: this.descriptions[index] ?? '', key_points: [] }))
    }
  }

  private accept (value: unknown, key: unknown, depth: number) {
    if (depth === 1 && key === 'section_titles') {
      this.sectionTitles = this.validSectionTitles(value)
      this.listener.onSkeleton({ title: this.title, sectionTitles: this.sectionTitles })
    } else if (depth === 2 && typeof key === 'number' && this.sectionTitles && key < this.sectionTitles.length) {
      // One bad description costs that section its text, not the whole outline.
      if (typeof value !== 'string' || value.length > OUTLINE_LIMITS.descriptionChars || !value.trim()) return
      this.descriptions[key] = value.trim()
      this.listener.onDescription(key, this.descriptions[key])
    }
  }

  private validSectionTitles (value: unknown): string[] {
    const { minSections, maxSections, sectionTitleChars } = OUTLINE_LIMITS
    if (!Array.isArray(value) || value.length < minSections || value.length > maxSections) {
      throw new InvalidModelOutputError(`the outline must have ${minSections}–${maxSections} sections`)
    }
    return value.map((title) => {
      if (typeof title !== 'string' || !oneLine(title) || title.length > sectionTitleChars) {
        throw new InvalidModelOutputError('a section title is empty or too long')
      }
      return oneLine(title)
    })
  }
}
