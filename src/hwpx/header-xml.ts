import { BORDER_FILL, BORDER_FILLS, type BorderFill } from './border-fills.js'
import { FONT_FACES, FONT_LANGUAGES, fontId } from './fonts.js'
import { HWPUNITCHAR_NAMESPACE, ROOT_NAMESPACE_ATTRIBUTES, XML_DECLARATION } from './namespaces.js'
import { BULLETS_XML, numberingsXml } from './numbering.js'
import type { CharShape, ParaShape } from './property-registry.js'
import type { ReportTheme, StyleDefinition } from './report-theme.js'
import { escapeXmlAttribute } from './xml-text.js'

/** Contents/header.xml: every id the section refers to, in schema order. */
export function buildHeaderXml (theme: ReportTheme, sectionCount: number): string {
  const { charShapes, paraShapes } = theme.registry
  return XML_DECLARATION +
    `<hh:head ${ROOT_NAMESPACE_ATTRIBUTES} version="1.5" secCnt="${sectionCount}">` +
    '<hh:beginNum page="1" footnote="1" endnote="1" pic="1" tbl="1" equation="1"/>' +
    '<hh:refList>' +
    fontFacesXml() +
    list('borderFills', BORDER_FILLS.map(borderFillXml)) +
    list('charProperties', charShapes.map(charPrXml)) +
    // The three tab definitions of Hancom's blank document.
    '<hh:tabProperties itemCnt="3"><hh:tabPr id="0" autoTabLeft="0" autoTabRight="0"/><hh:tabPr id="1" autoTabLeft="1" autoTabRight="0"/><hh:tabPr id="2" autoTabLeft="0" autoTabRight="1"/></hh:tabProperties>' +
    numberingsXml(theme.numberings) +
    BULLETS_XML +
    list('paraProperties', paraShapes.map(paraPrXml)) +
    list('styles', theme.styles.map(styleXml)) +
    '</hh:refList>' +
    '<hh:compatibleDocument targetProgram="HWP201X"><hh:layoutCompatibility/></hh:compatibleDocument>' +
    '<hh:docOption><hh:linkinfo path="" pageInherit="0" footnoteInherit="0"/></hh:docOption>' +
    '<hh:trackchageConfig flags="56"/>' + // sic: Hancom's spelling
    '</hh:head>'
}

function list (element: string, items: readonly string[]): string {
  return `<hh:${element} itemCnt="${items.length}">${items.join('')}</hh:${element}>`
}

function fontFacesXml (): string {
  const fonts = FONT_FACES.map((font, id) =>
    `<hh:font id="${id}" face="${escapeXmlAttribute(font.face)}" type="TTF" isEmbedded="0"><hh:typeInfo ${font.typeInfo}/></hh:font>`).join('')
  return list('fontfaces', FONT_LANGUAGES.map((language) =>
    `<hh:fontface lang="${language}" fontCnt="${FONT_FACES.length}">${fonts}</hh:fontface>`))
}

function borderFillXml (fill: BorderFill): string {
  const line = (side: string, { type, width, color }: BorderFill['left']): string =>
    `<hh:${side} type="${type}" width="${width}" color="${color}"/>`
  return `<hh:borderFill id="${fill.id}" threeD="0" shadow="0" centerLine="NONE" breakCellSeparateLine="0">` +
    '<hh:slash type="NONE" Crooked="0" isCounter="0"/><hh:backSlash type="NONE" Crooked="0" isCounter="0"/>' +
    line('leftBorder', fill.left) + line('rightBorder', fill.right) + line('topBorder', fill.top) + line('bottomBorder', fill.bottom) +
    '<hh:diagonal type="SOLID" width="0.1 mm" color="#000000"/>' +
    (fill.fill === null ? '' : `<hc:fillBrush><hc:winBrush faceColor="${fill.fill}" hatchColor="#999999" alpha="0"/></hc:fillBrush>`) +
    '</hh:borderFill>'
}

/** The same value for each of the seven language slots. */
function perLanguage (element: string, value: number): string {
  return `<hh:${element} hangul="${value}" latin="${value}" hanja="${value}" japanese="${value}" other="${value}" symbol="${value}" user="${value}"/>`
}

function charPrXml (shape: CharShape, id: number): string {
  // Child order is fixed by the schema: italic before bold, then underline…
  return `<hh:charPr id="${id}" height="${shape.height}" textColor="${shape.color}" shadeColor="${shape.shade}" useFontSpace="0" useKerning="0" symMark="NONE" borderFillIDRef="${BORDER_FILL.plain}">` +
    perLanguage('fontRef', fontId(shape.font)) +
    perLanguage('ratio', 100) +
    perLanguage('spacing', 0) +
    perLanguage('relSz', 100) +
    perLanguage('offset', 0) +
    (shape.italic ? '<hh:italic/>' : '') +
    (shape.bold ? '<hh:bold/>' : '') +
    `<hh:underline type="${shape.underline ? 'BOTTOM' : 'NONE'}" shape="SOLID" color="#000000"/>` +
    `<hh:strikeout shape="${shape.strike ? 'SOLID' : 'NONE'}" color="#000000"/>` +
    '<hh:outline type="NONE"/>' +
    '<hh:shadow type="NONE" color="#C0C0C0" offsetX="10" offsetY="10"/>' +
    '</hh:charPr>'
}

function marginXml (shape: ParaShape, scale: number): string {
  return '<hh:margin>' +
    `<hc:intent value="${-shape.hanging * scale}" unit="HWPUNIT"/><hc:left value="${shape.left * scale}" unit="HWPUNIT"/><hc:right value="0" unit="HWPUNIT"/>` +
    `<hc:prev value="${shape.spaceBefore * scale}" unit="HWPUNIT"/><hc:next value="${shape.spaceAfter * scale}" unit="HWPUNIT"/>` +
    '</hh:margin>' +
    `<hh:lineSpacing type="PERCENT" value="${shape.lineSpacing}" unit="HWPUNIT"/>`
}

function paraPrXml (shape: ParaShape, id: number): string {
  const heading = `<hh:heading type="${shape.head.type}" idRef="${shape.head.idRef}" level="0"/>`
  // Hancom writes margins twice: in HWPUNIT for readers that know the 2016
  // HwpUnitChar namespace, doubled for older ones.
  return `<hh:paraPr id="${id}" tabPrIDRef="0" condense="0" fontLineHeight="0" snapToGrid="1" suppressLineNumbers="0" checked="0" textDir="LTR">` +
    `<hh:align horizontal="${shape.align}" vertical="BASELINE"/>` +
    heading +
    `<hh:breakSetting breakLatinWord="KEEP_WORD" breakNonLatinWord="KEEP_WORD" widowOrphan="0" keepWithNext="${+shape.keepWithNext}" keepLines="0" pageBreakBefore="0" lineWrap="BREAK"/>` +
    '<hh:autoSpacing eAsianEng="0" eAsianNum="0"/>' +
    `<hp:switch><hp:case hp:required-namespace="${HWPUNITCHAR_NAMESPACE}">${marginXml(shape, 1)}</hp:case>` +
    `<hp:default>${marginXml(shape, 2)}</hp:default></hp:switch>` +
    `<hh:border borderFillIDRef="${shape.borderFillId}" offsetLeft="0" offsetRight="0" offsetTop="0" offsetBottom="0" connect="0" ignoreMargin="0"/>` +
    '</hh:paraPr>'
}

function styleXml (style: StyleDefinition): string {
  return `<hh:style id="${style.id}" type="PARA" name="${escapeXmlAttribute(style.name)}" engName="${escapeXmlAttribute(style.engName)}" ` +
    `paraPrIDRef="${style.paraPrId}" charPrIDRef="${style.charPrId}" nextStyleIDRef="${style.id}" langID="1042" lockForm="0"/>`
}
