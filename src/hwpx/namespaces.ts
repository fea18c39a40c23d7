/** Every part starts with exactly the declaration Hancom writes. */
export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>'

export const HWPUNITCHAR_NAMESPACE = 'http://www.hancom.co.kr/hwpml/2016/HwpUnitChar'

// Hancom declares this whole list, with these prefixes and the 2011 URIs, on
// the root of header.xml, every section and content.hpf, used or not.
// Readers match qualified names, so the prefixes matter as much as the URIs.
const ROOT_NAMESPACES: ReadonlyArray<readonly [string, string]> = [
  ['ha', 'http://www.hancom.co.kr/hwpml/2011/app'],
  ['hp', 'http://www.hancom.co.kr/hwpml/2011/paragraph'],
  ['hp10', 'http://www.hancom.co.kr/hwpml/2016/paragraph'],
  ['hs', 'http://www.hancom.co.kr/hwpml/2011/section'],
  ['hc', 'http://www.hancom.co.kr/hwpml/2011/core'],
  ['hh', 'http://www.hancom.co.kr/hwpml/2011/head'],
  ['hhs', 'http://www.hancom.co.kr/hwpml/2011/history'],
  ['hm', 'http://www.hancom.co.kr/hwpml/2011/master-page'],
  ['hpf', 'http://www.hancom.co.kr/schema/2011/hpf'],
  ['dc', 'http://purl.org/dc/elements/1.1/'],
  // The trailing slash is Hancom's; the EPUB URI without it made macOS Hancom
  // call the file broken.
  ['opf', 'http://www.idpf.org/2007/opf/'],
  ['ooxmlchart', 'http://www.hancom.co.kr/hwpml/2016/ooxmlchart'],
  ['hwpunitchar', HWPUNITCHAR_NAMESPACE],
  ['epub', 'http://www.idpf.org/2007/ops'],
  ['config', 'urn:oasis:names:tc:opendocument:xmlns:config:1.0']
]

export const ROOT_NAMESPACE_ATTRIBUTES = ROOT_NAMESPACES
  .map(([prefix, uri]) => `xmlns:${prefix}="${uri}"`)
  .join(' ')
