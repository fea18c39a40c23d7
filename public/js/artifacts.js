import { el } from './dom.js'
import { formatSize } from './format.js'

const LABELS = { hwpx: 'HWPX', docx: 'DOCX', md: 'Markdown' }
const ORDER = ['hwpx', 'docx', 'md']

/** The newest version of each kind of file, HWPX first. */
export function latestArtifacts (artifacts) {
  const latest = new Map()
  for (const artifact of artifacts) {
    const known = latest.get(artifact.kind)
    if (!known || artifact.version > known.version) latest.set(artifact.kind, artifact)
  }
  return ORDER.flatMap((kind) => latest.get(kind) ?? [])
}

/**
 * "HWPX 내려받기 · 12.3 KB": the accessible name is the visible text plus the file name after it,
 * so what a speech user says ("HWPX 내려받기") is what the button is called.
 */
export function downloadButton (artifact, onDownload, { className = 'button-primary', context } = {}) {
  const label = LABELS[artifact.kind] ?? artifact.kind
  return el('button', { type: 'button', class: className, onclick: () => onDownload(artifact) },
    `${label} 내려받기 `,
    el('span', { class: 'button-note' }, formatSize(artifact.size)),
    el('span', { class: 'visually-hidden' }, ` (${context ?? artifact.filename})`)
  )
}
