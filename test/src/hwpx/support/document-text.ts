// What a reader of the generated document sees: its text in order, its
// paragraphs with their properties, and the list markers drawn before them.
import { childElements, findAll, type XmlElement } from './xml.js'

/**
 * The text of section0.xml in document order: paragraphs separated by '\n',
 * hp:lineBreak as '\n', hp:tab as '\t'. Table cells come in reading order
 * because their paragraphs sit inside the anchoring paragraph. Footnote
 * texts follow the body (where GFM shows them); running headers and footers
 * are page furniture, not text of the document, and are left out.
 */
export function sectionText (section: XmlElement): string {
  const out: string[] = []
  const notes: XmlElement[] = []
  const walk = (element: XmlElement): void => {
    for (const child of element.children) {
      if (typeof child === 'string') {
        if (element.name === 'hp:t') out.push(child)
      } else if (child.name === 'hp:lineBreak') {
        out.push('\n')
      } else if (child.name === 'hp:tab') {
        out.push('\t')
      } else if (child.name === 'hp:footNote' || child.name === 'hp:endNote') {
        notes.push(child)
      } else if (child.name !== 'hp:header' && child.name !== 'hp:footer') {
        walk(child)
        if (child.name === 'hp:p') out.push('\n')
      }
    }
  }
  walk(section)
  for (let index = 0; index < notes.length; index++) walk(notes[index] as XmlElement)
  return out.join('')
}

/** Texts of the top-level paragraphs, each with its paraPr and runs. */
export function paragraphs (section: XmlElement): Array<{ text: string, paraPrIDRef: string, styleIDRef: string, runs: Array<{ charPrIDRef: string, text: string }> }> {
  return childElements(section, 'hp:p').map((p) => ({
    text: sectionText({ name: 'wrapper', attributes: {}, children: [p] }).replace(/\n$/, ''),
    paraPrIDRef: p.attributes.paraPrIDRef ?? '',
    styleIDRef: p.attributes.styleIDRef ?? '',
    runs: childElements(p, 'hp:run')
      .filter((run) => childElements(run, 'hp:t').length > 0 && childElements(run, 'hp:tbl').length === 0)
      .map((run) => ({ charPrIDRef: run.attributes.charPrIDRef ?? '', text: sectionText({ name: 'wrapper', attributes: {}, children: childElements(run, 'hp:t') }) }))
  }))
}

/**
 * The marker a reader draws before each top-level paragraph from the
 * format's own list definitions (hh:heading → hh:bullet char, or the
 * hh:numbering's level-1 format with its counter), as Hancom numbers
 * paragraphs: each numbering counts on from its start across the paragraphs
 * that use it. '' for a paragraph without one.
 */
export function drawnMarkers (header: XmlElement, section: XmlElement): string[] {
  const paraPrs = new Map(findAll(header, 'hh:paraPr').map((paraPr) => [paraPr.attributes.id, childElements(paraPr, 'hh:heading')[0]?.attributes ?? {}]))
  const bullets = new Map(findAll(header, 'hh:bullet').map((bullet) => [bullet.attributes.id, bullet.attributes.char ?? '']))
  const numberings = new Map(findAll(header, 'hh:numbering').map((numbering) => {
    const head = childElements(numbering, 'hh:paraHead').find((candidate) => candidate.attributes.level === '1')
    return [numbering.attributes.id, { start: Number(head?.attributes.start ?? 1), format: head === undefined ? '' : sectionText({ name: 'hp:t', attributes: {}, children: head.children }) }]
  }))
  const counters = new Map<string, number>()
  return childElements(section, 'hp:p').map((p) => {
    const heading = paraPrs.get(p.attributes.paraPrIDRef) ?? {}
    if (heading.type === 'BULLET') return bullets.get(heading.idRef) ?? '?'
    if (heading.type !== 'NUMBER') return ''
    const numbering = numberings.get(heading.idRef)
    if (numbering === undefined) return '?'
    const count = (counters.get(heading.idRef ?? '') ?? numbering.start - 1) + 1
    counters.set(heading.idRef ?? '', count)
    return numbering.format.replace('^1', String(count))
  })
}

/** Top-level paragraphs as a reader shows them: drawn marker, a space, the text. */
export function shownParagraphs (header: XmlElement, section: XmlElement): string[] {
  const markers = drawnMarkers(header, section)
  return paragraphs(section).map((paragraph, index) => (markers[index] === '' ? '' : `${markers[index] as string} `) + paragraph.text)
}
