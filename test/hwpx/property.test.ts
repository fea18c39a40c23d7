// Any Markdown, however hostile, gives a valid package with all its text.
import fc from 'fast-check'
import t from 'tap'
import { markdownToHwpx } from '../../src/hwpx/index.js'
import { firstMissingPiece, markdownTextPieces, packageViolations, parseXml, sectionText, text, unzipHwpx } from './helpers.js'
import { hostileText, markdownDocument } from './markdown-arbitrary.js'

t.test('random Markdown never yields an invalid package or loses text', async (t) => {
  await fc.assert(fc.asyncProperty(markdownDocument, hostileText, async (markdown, title) => {
    const pkg = await unzipHwpx(await markdownToHwpx(markdown, { title, author: title, subject: title }))
    const violations = packageViolations(pkg)
    if (violations.length > 0) throw new Error(violations.join('\n'))
    const missing = firstMissingPiece(markdownTextPieces(markdown), sectionText(parseXml(text(pkg, 'Contents/section0.xml'))))
    if (missing !== null) throw new Error(`lost text ${JSON.stringify(missing)}`)
  }), { numRuns: 60 })
  t.pass('property held')
})

t.test('raw hostile strings, not shaped as Markdown, are handled too', async (t) => {
  await fc.assert(fc.asyncProperty(fc.array(hostileText, { maxLength: 20 }).map((parts) => parts.join('')), async (markdown) => {
    const violations = packageViolations(await unzipHwpx(await markdownToHwpx(markdown, { title: markdown })))
    if (violations.length > 0) throw new Error(violations.join('\n'))
  }), { numRuns: 60 })
  t.pass('property held')
})
