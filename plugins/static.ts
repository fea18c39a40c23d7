import fastifyCompress from '@fastify/compress'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { packageFolder } from '../src/package-folder.js'

/**
 * Everything the page loads comes from this origin and none of it is inline, so the policy can
 * forbid the rest: rendered report text can then never run as script even if escaping failed.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "img-src 'self' data: blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'"
].join('; ')

/**
 * No build step gives the files hashed names, so a browser may keep them only while it checks
 * back: `no-cache` with the ETag and Last-Modified @fastify/static sends makes every visit a cheap
 * 304 and a deploy visible at once, with all modules of one version together. The icon changes
 * never and may be kept for a week.
 */
function cacheControlFor (filePath: string): string {
  return filePath.endsWith('favicon.ico') ? 'public, max-age=604800' : 'no-cache'
}

/**
 * The web page: plain files from public/, without a token (the data behind it needs one). Files
 * become routes of their own at start (no wildcard), so unknown paths — /api ones included — keep
 * the API's 404 envelope. They are compressed (brotli or gzip, as the browser asks) in a context
 * of their own, so nothing else — the status streams above all — is touched by it.
 */
export default fp(async function staticPage (app: FastifyInstance) {
  await app.register(async function compressedFiles (files) {
    await files.register(fastifyCompress, { global: true, threshold: 1024, encodings: ['br', 'gzip'] })
    await files.register(fastifyStatic, {
      root: packageFolder('public', 'index.html'),
      wildcard: false,
      cacheControl: false,
      setHeaders: (reply, filePath) => {
        reply.header('cache-control', cacheControlFor(filePath))
        reply.header('content-security-policy', CONTENT_SECURITY_POLICY)
        // The dev sign-in link carries the token in its query: no other site may be told that address.
        reply.header('referrer-policy', 'no-referrer')
        reply.header('x-content-type-options', 'nosniff')
      }
    })
  })
}, { name: 'static-page' })
