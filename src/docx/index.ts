export { DOCX_MIME_TYPE, markdownToDocx, type DocxOptions } from './markdown-to-docx.js'
