// The chunked parser must give exactly the tree a single fromMarkdown call
// gives (positions aside), whatever sits at the chunk boundaries.
import fc from 'fast-check'
import { fromMarkdown } from 'mdast-util-from-markdown'
import { gfmFromMarkdown } from 'mdast-util-gfm'
import { gfm } from 'micromark-extension-gfm'
import t from 'tap'
import { parseMarkdown } from '../../src/hwpx/parse-markdown.js'
import { markdownDocument } from './markdown-arbitrary.js'

function withoutPositions (tree: unknown): unknown {
  return JSON.parse(JSON.stringify(tree, (key, value: unknown) => key === 'position' ? undefined : value))
}

function singleParse (markdown: string): unknown {
  return withoutPositions(fromMarkdown(markdown, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] }))
}

const boundaryCases: Record<string, string> = {
  'plain headings': 'a\n# h\nb\n## h2\nc',
  'heading inside a fence': '```\ncode\n# not a heading\n```\n# h\ntext',
  'longer fence holding a shorter one': '````\n```\n# x\n````\n# y',
  'unclosed fence to the end': '```\nunclosed\n# h\n# h2\n# h3',
  'tilde fence': '~~~\n# a\n```\n# b\n~~~\n# c',
  'indented closing fence is content': '```\n    ```\n# inside\n```\n# after',
  'HTML comment over headings': '<!-- c\n# x\n-->\n# y',
  'HTML block ended by a blank line only': '<div>\n# x\n\n# y',
  'pre block': '<pre>\n# a\n# b\n</pre>\n# c',
  'table then heading': '| a |\n|---|\n| b |\n# h\n| c |',
  'list with a fence cut by a heading': '- a\n  ```\n# h\n  ```\n',
  'block quote then heading': '> q\n# h\n> r',
  'indented code then heading': '    code\n# h',
  'definitions after their references': 'see [x][r] and [^1]\n# h\n[r]: http://u\n\n[^1]: note',
  'definitions before their references': '[^1]: a\n[r]: /x\n# h\nref[^1] [r]\n# h2\n[r]: /ignored',
  'multi-line label': '[foo\nbar]: /u\n# h\n[foo bar]',
  'CRLF line ends': '# a\r\n# b\r\n```\r\n# c\r\n```\r\n# d',
  'things that are not headings': 'text\n#\n#x\n####### y\n \\# z\n# real',
  'heading first': '# first\ntext',
  'open fence in a list, blank lines, heading': '- \n  ```\n\n\n# h\n',
  'byte-order mark before an open fence': '\uFEFF\n\n```\n\n\n# h\n',
  'two byte-order marks': '\uFEFF\uFEFF# a\n# b',
  'empty': ''
}

for (const [name, markdown] of Object.entries(boundaryCases)) {
  t.test(name, async (t) => {
    t.same(withoutPositions(parseMarkdown(markdown)), singleParse(markdown))
  })
}

t.test('random documents parse the same chunked and whole', async (t) => {
  const headingJoined = fc.array(markdownDocument, { minLength: 1, maxLength: 4 })
    .map((documents) => documents.join('\n# 경계\n'))
  fc.assert(fc.property(headingJoined, (markdown) => {
    const chunked = JSON.stringify(withoutPositions(parseMarkdown(markdown)))
    const whole = JSON.stringify(singleParse(markdown))
    if (chunked !== whole) throw new Error(`differs for ${JSON.stringify(markdown)}`)
  }), { numRuns: 80 })
  t.pass('property held')
})
