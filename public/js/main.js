import { showTopicInAddress, topicFromAddress } from './address.js'
import { api, ApiError, apiWithRetry, describeError, fetchFile } from './api.js'
import { downloadButton, latestArtifacts } from './artifacts.js'
import { byId, el, focusSoon, saveBlob, setNotice, show } from './dom.js'
import { DraftSaver } from './drafts.js'
import { formatEta, plainKorean } from './format.js'
import { historyItem } from './history.js'
import { renderMarkdown } from './markdown.js'
import { outlineToPlan, PlanEditor } from './plan-editor.js'
import { followPlanRefinement } from './plan-refinement.js'
import { ReportText, TERMINAL_STATES, watchGeneration } from './progress.js'
import { forgetToken, storedToken, storeToken, takeTokenFromAddress } from './session.js'

/**
 * The page's flow: sign in → topic and template → editable plan (saved as a draft as it is
 * edited) → generation with live progress and the text as it is written, which can be cancelled
 * → downloads and the document, plus the searchable list of earlier reports. The topic on screen
 * is in the address, so a reload comes back to it.
 */

const HISTORY_PAGE_SIZE = 10
const SEARCH_DELAY_MS = 300
const LIVE_RENDER_INTERVAL_MS = 200

const editor = new PlanEditor({
  titleInput: byId('plan-title'),
  list: byId('section-list'),
  announcer: byId('plan-announcer'),
  onChange: () => {
    state.drafts?.changed()
    schedulePlanPreview()
  }
})

const state = {
  templates: [],
  /** The topic on screen: { topicId, topic, templateId }. */
  current: null,
  drafts: null,
  stopWatching: null,
  /** The text of the report being watched, as written so far: a cancel from the page keeps it on screen. */
  liveText: null,
  etaAt: null,
  etaTimer: null,
  /** Bumped whenever another topic (or nothing) takes the screen, so late answers for the old one are dropped. */
  view: 0,
  historyPage: 0,
  search: ''
}

function leaveView () {
  stopRefinement()
  state.stopWatching?.()
  state.stopWatching = null
  clearInterval(state.etaTimer)
  state.etaTimer = null
  state.view++
  return state.view
}

/** Sets a button busy: disabled and saying what it is doing, until the returned function restores it. */
function busy (button, text) {
  const original = button.textContent
  button.disabled = true
  button.textContent = text
  button.setAttribute('aria-busy', 'true')
  return () => {
    button.disabled = false
    button.textContent = original
    button.removeAttribute('aria-busy')
  }
}

/** An error where it happened, except an expired sign-in, which sends the user back to sign in. */
function report (error, notice) {
  if (error instanceof ApiError && error.status === 401) {
    signOut('로그인이 만료되었습니다. 다시 로그인하세요.')
    return
  }
  setNotice(notice, describeError(error))
}

// ── Sign-in ────────────────────────────────────────────────────────────────

function showSignIn (token = '', message = '') {
  show(byId('workspace'), false)
  show(byId('sign-out'), false)
  show(byId('sign-in'))
  byId('token-input').value = token
  setNotice(byId('sign-in-error'), message)
  focusSoon(token ? byId('sign-in-form').querySelector('button') : byId('token-input'))
}

async function enter () {
  state.templates = (await api('/api/templates')).items
  const select = byId('template-select')
  select.replaceChildren(...state.templates.map((template) =>
    new window.Option(template.name, String(template.id), template.is_default, template.is_default)))
  describeTemplate()
  show(byId('sign-in'), false)
  show(byId('workspace'))
  show(byId('sign-out'))
  loadHistory(true)
  const topicId = topicFromAddress()
  if (topicId) await openTopic(topicId)
  else focusSoon(byId('topic-input'))
}

function describeTemplate () {
  const template = state.templates.find((candidate) => String(candidate.id) === byId('template-select').value)
  byId('template-help').textContent = template?.description ?? ''
}

byId('sign-in-form').addEventListener('submit', async (event) => {
  event.preventDefault()
  const token = byId('token-input').value.trim()
  if (!token) {
    setNotice(byId('sign-in-error'), '접근 토큰을 입력하세요.')
    byId('token-input').focus()
    return
  }
  const done = busy(event.submitter ?? byId('sign-in-form').querySelector('button'), '확인 중…')
  storeToken(token)
  try {
    await enter()
  } catch (error) {
    forgetToken()
    setNotice(byId('sign-in-error'), error instanceof ApiError && error.status === 401
      ? '토큰이 올바르지 않거나 만료되었습니다. 새 토큰으로 다시 로그인하세요.'
      : describeError(error))
    byId('token-input').focus()
  } finally {
    done()
  }
})

function clearTopic () {
  leaveView()
  state.drafts?.stop()
  state.drafts = null
  state.current = null
  showTopicInAddress(null)
  for (const id of ['plan', 'progress', 'document']) show(byId(id), false)
}

function signOut (message = '') {
  clearTopic()
  forgetToken()
  byId('plan-form').reset()
  byId('history-list').replaceChildren()
  showSignIn('', message)
}

byId('sign-out').addEventListener('click', () => signOut('로그아웃했습니다.'))

window.addEventListener('beforeunload', (event) => {
  if (!state.drafts?.unsaved) return
  // Edits not yet on the server: the browser asks before leaving.
  event.preventDefault()
  event.returnValue = ''
})

// ── Plan ───────────────────────────────────────────────────────────────────

byId('template-select').addEventListener('change', describeTemplate)

byId('plan-form').addEventListener('submit', async (event) => {
  event.preventDefault()
  const topicInput = byId('topic-input')
  const topic = topicInput.value.trim()
  const notice = byId('plan-error')
  if (!topic) {
    setNotice(notice, '보고서 주제를 입력하세요.')
    topicInput.setAttribute('aria-invalid', 'true')
    topicInput.focus()
    return
  }
  topicInput.removeAttribute('aria-invalid')
  setNotice(notice, '')
  const templateId = byId('template-select').value ? Number(byId('template-select').value) : null
  const done = busy(byId('plan-button'), '계획 수립 중…')
  try {
    await state.drafts?.flush()
    const data = await api('/api/topics/plan', { method: 'POST', body: { topic, template_id: templateId } })
    leaveView()
    showPlan({ topicId: data.topic_id, topic, templateId, outline: data.outline, source: data.source })
    if (data.refining) followRefinement(data.topic_id)
    showPlanPreview()
    focusSoon(byId('plan-heading'))
    loadHistory(true)
  } catch (error) {
    report(error, notice)
  } finally {
    done()
  }
})

let stopRefinement = () => {}

/** The descriptions written after the plan arrived fill the sections the user has not touched. */
function followRefinement (topicId) {
  const announcer = byId('plan-announcer')
  announcer.textContent = '섹션 설명을 작성하고 있습니다. 도착하는 대로 채워 드립니다.'
  stopRefinement = followPlanRefinement(topicId, storedToken(), {
    onSection: (title, description) => {
      if (editor.fillEmptySection(title, description)) schedulePlanPreview()
    },
    onEnd: (complete) => { if (complete) announcer.textContent = '섹션 설명을 모두 받았습니다.' }
  })
}

function showPlan ({ topicId, topic, templateId, outline, source }) {
  stopRefinement()
  state.drafts?.stop()
  state.current = { topicId, topic, templateId }
  showTopicInAddress(topicId)
  state.drafts = new DraftSaver({
    save: () => api(`/api/topics/${topicId}/plan`, { method: 'PUT', body: { plan: outlineToPlan(editor.outline) } }),
    onState: showDraftState
  })
  editor.load(outline)
  editor.setDisabled(false)
  show(byId('plan-source'), source === 'template')
  setNotice(byId('generate-error'), '')
  byId('draft-status').textContent = ''
  setGenerateButton('보고서 생성')
  show(byId('plan'))
  show(byId('progress'), false)
}

const DRAFT_STATES = {
  saving: '변경 내용을 저장하는 중…',
  saved: '변경 내용을 저장했습니다.',
  failed: '변경 내용을 저장하지 못했습니다. 잠시 뒤 다시 저장합니다.'
}

function showDraftState (draftState, error) {
  if (error instanceof ApiError && error.status === 401) {
    report(error)
    return
  }
  byId('draft-status').textContent = DRAFT_STATES[draftState] ?? ''
}

function setGenerateButton (text, disabled = false) {
  const button = byId('generate-button')
  button.textContent = text
  button.disabled = disabled
}

byId('add-section').addEventListener('click', () => editor.add())

// ── The document panel ────────────────────────────────────────────────────

function showDocument (heading, note) {
  byId('document-heading').textContent = heading
  byId('document-note').textContent = note ?? ''
  show(byId('result-failure'), false)
  show(byId('result-success'), false)
  show(byId('document'))
}

let planPreviewTimer
function schedulePlanPreview () {
  clearTimeout(planPreviewTimer)
  planPreviewTimer = setTimeout(() => {
    if (byId('document-heading').dataset.stage === 'plan') renderPreview(outlineToPlan(editor.outline))
  }, LIVE_RENDER_INTERVAL_MS)
}

/** Before the report exists the page shows the document the plan will become: its title and numbered sections. */
function showPlanPreview () {
  showDocument('문서 미리 보기', '계획대로 쓰면 이런 순서의 문서가 됩니다. 계획을 고치면 바로 바뀝니다.')
  byId('document-heading').dataset.stage = 'plan'
  renderPreview(outlineToPlan(editor.outline))
}

function setStage (stage) {
  byId('document-heading').dataset.stage = stage
}

function renderPreview (markdown, { writing = false } = {}) {
  const preview = byId('report-preview')
  const viewer = preview.parentElement
  const following = viewer.scrollTop + viewer.clientHeight >= viewer.scrollHeight - 40
  preview.replaceChildren(renderMarkdown(markdown))
  if (writing) preview.append(el('span', { class: 'writing-caret', 'aria-hidden': 'true' }))
  preview.setAttribute('aria-busy', writing ? 'true' : 'false')
  // While the text is being written the view follows its end, unless the reader scrolled away.
  if (writing && following) viewer.scrollTop = viewer.scrollHeight
}

function placeholder (text) {
  byId('report-preview').replaceChildren(el('p', { class: 'document-placeholder' }, text))
}

// ── Generation ─────────────────────────────────────────────────────────────

async function generate () {
  const notice = byId('generate-error')
  const problem = editor.problem()
  if (problem) {
    setNotice(notice, problem.message)
    ;(problem.field ?? byId('add-section')).focus()
    return
  }
  setNotice(notice, '')
  const { topicId, topic, templateId } = state.current
  const done = busy(byId('generate-button'), '생성 요청 중…')
  let started
  try {
    started = await api('/api/topics/generate', {
      method: 'POST',
      body: { topic, plan: outlineToPlan(editor.outline), template_id: templateId, topic_id: topicId }
    })
  } catch (error) {
    done()
    if (error instanceof ApiError && error.status === 409) {
      // Already being written (another tab, or a double click): follow that run instead.
      watch(topicId, null)
      setNotice(byId('progress-notice'), '이 보고서는 이미 작성 중이어서 그 진행 상황을 보여 드립니다.')
    } else {
      report(error, notice)
    }
    return
  }
  // The plan went to the server with /generate: nothing is left to save as a draft.
  state.drafts?.stop()
  done()
  watch(topicId, started.stream_url)
  loadHistory(true)
}

byId('generate-button').addEventListener('click', generate)

function watch (topicId, streamUrl) {
  const view = leaveView()
  editor.setDisabled(true)
  setGenerateButton('작성 중…', true)
  byId('draft-status').textContent = ''
  setNotice(byId('progress-notice'), '')
  renderProgress({ status: 'generating', progress_percent: 0, current_step: '작성을 준비하고 있습니다…' })
  byId('cancel-button').disabled = false
  show(byId('progress'))
  showDocument('작성 중인 보고서', '글이 쓰이는 대로 여기에 나타납니다.')
  setStage('writing')
  placeholder('첫 문장을 기다리고 있습니다…')
  focusSoon(byId('progress-heading'))

  const text = new ReportText()
  state.liveText = text
  let renderTimer
  state.etaTimer = setInterval(showEta, 1000)
  state.stopWatching = watchGeneration({
    topicId,
    streamUrl,
    onStatus: (snapshot) => {
      if (view !== state.view) return
      renderProgress(snapshot)
      if (TERMINAL_STATES.has(snapshot.status)) {
        clearTimeout(renderTimer)
        settle(topicId, snapshot, text.text)
      }
    },
    onText: (piece) => {
      if (view !== state.view || !text.apply(piece)) return
      renderTimer ??= setTimeout(() => {
        renderTimer = undefined
        if (view === state.view) renderPreview(text.text, { writing: true })
      }, LIVE_RENDER_INTERVAL_MS)
    },
    onFailure: (error) => {
      if (view !== state.view) return
      if (error.status === 401) report(error)
      else showFailed(describeError(error))
    },
    onTrouble: (error) => {
      if (view !== state.view) return
      setNotice(byId('progress-notice'), error && `${describeError(error)} 연결되는 대로 이어서 보여 드립니다.`)
    }
  })
}

function settle (topicId, snapshot, writtenSoFar) {
  const view = leaveView()
  if (snapshot.status === 'completed') showCompleted(topicId, view, writtenSoFar)
  else if (snapshot.status === 'cancelled') showCancelled(writtenSoFar)
  else showFailed(snapshot.error_message)
}

byId('cancel-button').addEventListener('click', async () => {
  const topicId = state.current?.topicId
  if (!topicId) return
  const view = state.view
  const done = busy(byId('cancel-button'), '취소하는 중…')
  try {
    const snapshot = await api(`/api/topics/${topicId}/cancel`, { method: 'POST' })
    if (view !== state.view) return
    renderProgress(snapshot)
    if (TERMINAL_STATES.has(snapshot.status)) settle(topicId, snapshot, state.liveText?.text ?? '')
  } catch (error) {
    if (view !== state.view) return
    // A report that already ended answers its status, so what fails here is told as the server tells it.
    report(error, byId('progress-notice'))
  } finally {
    done()
  }
})

function renderProgress (snapshot) {
  const percent = Math.max(0, Math.min(100, Math.round(snapshot.progress_percent ?? 0)))
  const bar = byId('progress-bar')
  const step = snapshot.current_step ?? (snapshot.status === 'completed' ? '완료' : '')
  bar.setAttribute('aria-valuenow', String(percent))
  bar.setAttribute('aria-valuetext', step ? `${percent}% — ${step}` : `${percent}%`)
  bar.firstElementChild.style.width = `${percent}%`
  byId('progress-percent').textContent = `${percent}%`
  state.etaAt = snapshot.status === 'generating' ? snapshot.estimated_completion : null
  showEta()
  // The step is a live region: rewriting the same text would announce it again.
  if (step && byId('progress-step').textContent !== step) byId('progress-step').textContent = step
}

/** Runs every second between events, so the time left counts down rather than standing still. */
function showEta () {
  byId('progress-eta').textContent = formatEta(state.etaAt)
}

/** The run ended: the plan can be edited and sent again, and the document panel says how it ended. */
function finish (heading, buttonText, stage) {
  show(byId('progress'), false)
  editor.setDisabled(false)
  setGenerateButton(buttonText)
  byId('document-heading').textContent = heading
  setStage(stage)
  show(byId('document'))
  focusSoon(byId('document-heading'))
  loadHistory(true)
}

function showFailed (message) {
  showDocument('보고서를 완성하지 못했습니다')
  finish('보고서를 완성하지 못했습니다', '다시 시도', 'failed')
  // One sentence, once: what happened and what to do; the only button is "다시 시도" below the plan.
  byId('failure-message').textContent = plainKorean(message) || '작성이 중간에 멈췄습니다. 다시 시도하세요.'
  byId('failure-message').setAttribute('role', 'alert')
  show(byId('result-failure'))
  renderPreview(outlineToPlan(editor.outline))
}

function showCancelled (writtenSoFar) {
  showDocument('작성을 취소했습니다', '계획을 고치거나 그대로 다시 생성할 수 있습니다.')
  finish('작성을 취소했습니다', '다시 생성', 'cancelled')
  renderPreview(writtenSoFar || outlineToPlan(editor.outline))
}

async function showCompleted (topicId, view, writtenSoFar = '') {
  showDocument('보고서가 완성되었습니다')
  finish('보고서가 완성되었습니다', '이 계획으로 다시 생성', 'completed')
  show(byId('result-success'))
  if (writtenSoFar) renderPreview(writtenSoFar)
  else placeholder('보고서를 불러오는 중…')
  await loadFiles(topicId, view)
}

/**
 * The file list and the final text, asked again while the server is briefly away (a restart or
 * deploy right at the end of a run); if it stays away, one button asks again.
 */
async function loadFiles (topicId, view) {
  const buttons = byId('download-buttons')
  show(byId('download-problem'), false)
  buttons.replaceChildren()
  try {
    const artifacts = latestArtifacts(await apiWithRetry(`/api/topics/${topicId}/artifacts`))
    if (view !== state.view) return
    buttons.replaceChildren(...artifacts.map((artifact) => downloadButton(artifact, download)))
    const markdown = artifacts.find((artifact) => artifact.kind === 'md')
    byId('document-note').textContent = markdown ? `${markdown.version}번째 판 · HWPX 문서와 같은 순서와 번호로 보여 줍니다.` : ''
    if (!markdown) return
    const { blob } = await fetchFile(`/api/artifacts/${markdown.id}/download`)
    const text = await blob.text()
    if (view !== state.view) return
    renderPreview(text)
  } catch (error) {
    if (view !== state.view) return
    if (error instanceof ApiError && error.status === 401) {
      report(error)
      return
    }
    byId('download-error').textContent = `${describeError(error)} 파일 목록을 불러오지 못했습니다.`
    show(byId('download-problem'))
  }
}

byId('download-reload').addEventListener('click', () => {
  if (state.current) loadFiles(state.current.topicId, state.view)
})

async function download (artifact) {
  const notice = byId('history-error')
  try {
    const { blob, filename } = await fetchFile(`/api/artifacts/${artifact.id}/download`)
    saveBlob(blob, filename ?? artifact.filename)
  } catch (error) {
    report(error, byId('document').hidden ? notice : byId('download-error'))
    if (!byId('document').hidden) show(byId('download-problem'))
  }
}

// ── Earlier reports ────────────────────────────────────────────────────────

async function loadHistory (fromStart) {
  const page = fromStart ? 1 : state.historyPage + 1
  const list = byId('history-list')
  const search = state.search
  try {
    const query = new URLSearchParams({ page: String(page), page_size: String(HISTORY_PAGE_SIZE) })
    if (search) query.set('q', search)
    const data = await api(`/api/topics?${query}`)
    if (search !== state.search) return
    state.historyPage = page
    const items = data.items.map((topic) => historyItem(topic, { onOpen: openTopic, onDownload: download, onRename: rename, onDelete: remove }))
    if (fromStart) list.replaceChildren(...items)
    else list.append(...items)
    setNotice(byId('history-error'), '')
    const empty = data.total === 0
    setNotice(byId('history-empty'), empty ? (search ? `‘${search}’에 맞는 보고서가 없습니다.` : '아직 만든 보고서가 없습니다.') : '')
    show(byId('history-more'), page * HISTORY_PAGE_SIZE < data.total)
  } catch (error) {
    report(error, byId('history-error'))
  }
}

byId('history-refresh').addEventListener('click', () => loadHistory(true))
byId('history-more').addEventListener('click', () => loadHistory(false))

let searchTimer
byId('history-search').addEventListener('input', (event) => {
  clearTimeout(searchTimer)
  searchTimer = setTimeout(() => {
    state.search = event.target.value.trim()
    loadHistory(true)
  }, SEARCH_DELAY_MS)
})

async function rename (topic, name) {
  try {
    await api(`/api/topics/${topic.id}`, { method: 'PATCH', body: { topic: name } })
    if (state.current?.topicId === topic.id) state.current.topic = name
    byId('history-announcer').textContent = `‘${name}’(으)로 이름을 바꿨습니다.`
    await loadHistory(true)
    byId('history-list').querySelector(`[data-topic-id="${topic.id}"] button`)?.focus()
  } catch (error) {
    report(error, byId('history-error'))
  }
}

async function remove (topic) {
  if (!window.confirm(`‘${topic.topic}’ 보고서를 삭제할까요? 저장된 파일도 함께 지워지며 되돌릴 수 없습니다.`)) return
  try {
    await api(`/api/topics/${topic.id}`, { method: 'DELETE' })
    if (state.current?.topicId === topic.id) clearTopic()
    byId('history-announcer').textContent = `‘${topic.topic}’ 보고서를 삭제했습니다.`
    await loadHistory(true)
    byId('history-search').focus()
  } catch (error) {
    report(error, byId('history-error'))
  }
}

async function openTopic (topicId) {
  await state.drafts?.flush()
  const view = leaveView()
  try {
    const topic = await api(`/api/topics/${topicId}`)
    if (view !== state.view) return
    if (topic.template_id !== null) byId('template-select').value = String(topic.template_id)
    describeTemplate()
    showPlan({ topicId, topic: topic.topic, templateId: topic.template_id, outline: topic.outline })
    if (topic.status === 'generating') watch(topicId, null)
    else if (topic.status === 'completed') showCompleted(topicId, view)
    else if (topic.status === 'failed') showFailed(topic.error_message)
    else if (topic.status === 'cancelled') showCancelled('')
    else {
      showPlanPreview()
      focusSoon(byId('plan-heading'))
    }
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      clearTopic()
      setNotice(byId('history-error'), '주소에 있던 보고서를 찾을 수 없습니다. 삭제되었을 수 있습니다.')
      return
    }
    report(error, byId('history-error'))
  }
}

// ── Start ──────────────────────────────────────────────────────────────────

async function start () {
  const fromAddress = takeTokenFromAddress()
  if (fromAddress || !storedToken()) {
    showSignIn(fromAddress ?? '')
    return
  }
  try {
    await enter()
  } catch (error) {
    const expired = error instanceof ApiError && error.status === 401
    if (expired) forgetToken()
    showSignIn(expired ? '' : storedToken(), expired ? '로그인이 만료되었습니다. 다시 로그인하세요.' : describeError(error))
  }
}

start()
