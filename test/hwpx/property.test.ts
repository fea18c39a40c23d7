// Any Markdown, however hostile, gives a valid package with all its text,
// and the chunked parser agrees with a single parse on any document.
import fc from 'fast-check'
import t from 'tap'
import { markdownToHwpx } from '../../src/hwpx/index.js'
import { parseMarkdown } from '../../src/hwpx/parse-markdown.js'
import { firstMissingPiece, hostileText, markdownDocument, markdownTextPieces, packageViolations, parseXml, sectionText, singleParse, text, unzipHwpx, withoutPositions } from './helpers.js'

t.test('random Markdown never yields an invalid package or loses text', async (t) => {
  await fc.assert(fc.asyncProperty(markdownDocument, hostileText, async (markdown, title) => {
    const pkg = await unzipHwpx(await markdownToHwpx(markdown, { title, author: title, subject: title }))
    const violations = packageViolations(pkg)
    if (violations.length > 0) throw new Error(violations.join('\n'))
    const missing = firstMissingPiece(markdownTextPieces(markdown), sectionText(parseXml(text(pkg, 'Contents/section0.xml'))))
    if (missing !== null) throw new Error(`lost text ${JSON.stringify(missing)}`)
  }), { numRuns: 50 })
  t.pass('property held')
})

t.test('raw hostile strings, not shaped as Markdown, are handled too', async (t) => {
  await fc.assert(fc.asyncProperty(fc.array(hostileText, { maxLength: 20 }).map((parts) => parts.join('')), async (markdown) => {
    const violations = packageViolations(await unzipHwpx(await markdownToHwpx(markdown, { title: markdown })))
    if (violations.length > 0) throw new Error(violations.join('\n'))
  }), { numRuns: 30 })
  t.pass('property held')
})

t.test('random documents parse the same chunked and whole', async (t) => {
  const headingJoined = fc.array(markdownDocument, { minLength: 1, maxLength: 4 })
    .map((documents) => documents.join('\n# 경계\n'))
  fc.assert(fc.property(headingJoined, (markdown) => {
    const chunked = JSON.stringify(withoutPositions(parseMarkdown(markdown, 0)))
    const whole = JSON.stringify(singleParse(markdown))
    if (chunked !== whole) throw new Error(`differs for ${JSON.stringify(markdown)}`)
  }), { numRuns: 60 })
  t.pass('property held')
})
