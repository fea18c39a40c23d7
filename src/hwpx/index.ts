export { markdownToHwpx, type HwpxOptions } from './markdown-to-hwpx.js'
export { HWPX_MIME_TYPE } from './package-parts.js'
