import { el } from './dom.js'
import { formatSize } from './format.js'

const LABELS = { hwpx: 'HWPX', md: 'Markdown' }

/** The newest version of each kind of file, HWPX first. */
export function latestArtifacts (artifacts) {
  const latest = new Map()
  for (const artifact of artifacts) {
    const known = latest.get(artifact.kind)
    if (!known || artifact.version > known.version) latest.set(artifact.kind, artifact)
  }
  return ['hwpx', 'md'].flatMap((kind) => latest.get(kind) ?? [])
}

export function downloadButton (artifact, onDownload) {
  const label = LABELS[artifact.kind] ?? artifact.kind
  return el('button', {
    type: 'button',
    class: 'button-primary',
    'aria-label': `${label} 파일 내려받기 (${artifact.filename}, ${formatSize(artifact.size)})`,
    onclick: () => onDownload(artifact)
  }, `${label} 내려받기`, el('span', { class: 'button-note', 'aria-hidden': 'true' }, formatSize(artifact.size)))
}
