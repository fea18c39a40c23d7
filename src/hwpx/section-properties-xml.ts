import { BORDER_FILL } from './border-fills.js'
import { OUTLINE_NUMBERING_ID } from './numbering.js'
import { PAGE } from './page-layout.js'

const pageBorderFill = (type: 'BOTH' | 'EVEN' | 'ODD'): string =>
  `<hp:pageBorderFill type="${type}" borderFillIDRef="${BORDER_FILL.page}" textBorder="PAPER" headerInside="0" footerInside="0" fillArea="PAPER"><hp:offset left="1417" right="1417" top="1417" bottom="1417"/></hp:pageBorderFill>`

const noteProperties = (element: 'footNotePr' | 'endNotePr', lineLength: number, betweenNotes: number, place: string): string =>
  `<hp:${element}><hp:autoNumFormat type="DIGIT" userChar="" prefixChar="" suffixChar=")" supscript="0"/>` +
  `<hp:noteLine length="${lineLength}" type="SOLID" width="0.12 mm" color="#000000"/>` +
  `<hp:noteSpacing betweenNotes="${betweenNotes}" belowLine="567" aboveLine="850"/>` +
  `<hp:numbering type="CONTINUOUS" newNum="1"/><hp:placement place="${place}" beneathText="0"/></hp:${element}>`

/**
 * Page setup (A4 portrait) and the single-column layout. Hancom reads them
 * from the first run of the section's first paragraph and nowhere else; the
 * values are those of Hancom 13's blank document. All three page border
 * fills are written because Hancom has dropped body text when fewer exist.
 */
export const SECTION_PROPERTIES_XML =
  `<hp:secPr id="" textDirection="HORIZONTAL" spaceColumns="1134" tabStop="8000" tabStopVal="4000" tabStopUnit="HWPUNIT" outlineShapeIDRef="${OUTLINE_NUMBERING_ID}" memoShapeIDRef="0" textVerticalWidthHead="0" masterPageCnt="0">` +
  '<hp:grid lineGrid="0" charGrid="0" wonggojiFormat="0"/>' +
  '<hp:startNum pageStartsOn="BOTH" page="0" pic="0" tbl="0" equation="0"/>' +
  '<hp:visibility hideFirstHeader="0" hideFirstFooter="0" hideFirstMasterPage="0" border="SHOW_ALL" fill="SHOW_ALL" hideFirstPageNum="0" hideFirstEmptyLine="0" showLineNumber="0"/>' +
  '<hp:lineNumberShape restartType="0" countBy="0" distance="0" startNumber="0"/>' +
  `<hp:pagePr landscape="WIDELY" width="${PAGE.width}" height="${PAGE.height}" gutterType="LEFT_ONLY">` +
  `<hp:margin header="${PAGE.marginHeader}" footer="${PAGE.marginFooter}" gutter="0" left="${PAGE.marginLeft}" right="${PAGE.marginRight}" top="${PAGE.marginTop}" bottom="${PAGE.marginBottom}"/>` +
  '</hp:pagePr>' +
  noteProperties('footNotePr', -1, 283, 'EACH_COLUMN') +
  noteProperties('endNotePr', 14692344, 0, 'END_OF_DOCUMENT') +
  pageBorderFill('BOTH') + pageBorderFill('EVEN') + pageBorderFill('ODD') +
  '</hp:secPr>' +
  '<hp:ctrl><hp:colPr id="" type="NEWSPAPER" layout="LEFT" colCount="1" sameSz="1" sameGap="0"/></hp:ctrl>'
