import t from 'tap'
import { estimateRowHeight, fitColumnWidths } from '../../src/hwpx/table-layout.js'
import { estimateTextWidth } from '../../src/hwpx/text-width.js'

const sum = (values: number[]): number => values.reduce((total, value) => total + value, 0)
const column = (...cells: string[]): string[][] => cells.map((cell) => cell.split('\n'))

t.test('widths are integers that add up to the page exactly', async (t) => {
  for (const columns of [1, 2, 3, 7, 13, 40]) {
    const widths = fitColumnWidths(Array.from({ length: columns }, (_, index) => column('가'.repeat(index * 3))), 1000, 41954)
    t.equal(widths.length, columns)
    t.equal(sum(widths), 41954, `${columns} columns`)
    t.ok(widths.every((width) => Number.isInteger(width) && width > 0))
  }
})

t.test('short tables are scaled to the page in proportion to their content', async (t) => {
  const widths = fitColumnWidths([column('구분'), column('2023년 매출액')], 1000, 41954)
  t.ok((widths[1] ?? 0) > (widths[0] ?? 0))
})

t.test('narrow columns keep their width when long text needs the room', async (t) => {
  const long = '매우 긴 설명이 들어가는 칸입니다. '.repeat(20)
  const widths = fitColumnWidths([column('1', '2'), column(long), column('합계')], 1000, 41954)
  t.ok((widths[0] ?? 0) < 3000 && (widths[2] ?? 0) < 4000, widths.join())
  t.ok((widths[1] ?? 0) > 35000)
})

t.test('a line break makes a cell narrower, not wider', async (t) => {
  const together = fitColumnWidths([column('가나다라마바사 아자차카타파하'), column('x'.repeat(200))], 1000, 41954)
  const broken = fitColumnWidths([column('가나다라마바사\n아자차카타파하'), column('x'.repeat(200))], 1000, 41954)
  t.ok((broken[0] ?? 0) < (together[0] ?? 0))
})

t.test('row height grows with wrapped and broken lines', async (t) => {
  const one = estimateRowHeight([{ lines: ['짧음'], width: 10000 }], 1000, 1600)
  const wrapped = estimateRowHeight([{ lines: ['가'.repeat(40)], width: 10000 }], 1000, 1600)
  const broken = estimateRowHeight([{ lines: ['a', 'b', 'c'], width: 10000 }], 1000, 1600)
  t.ok(one < wrapped)
  t.equal(broken, 3 * 1600 + 282)
})

t.test('Hangul is estimated full-width, Latin about half', async (t) => {
  t.equal(estimateTextWidth('가나', 1000), 2000)
  t.ok(estimateTextWidth('ab', 1000) < 1200)
})
