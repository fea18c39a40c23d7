import { api, ApiError, describeError, fetchFile } from './api.js'
import { downloadButton, latestArtifacts } from './artifacts.js'
import { byId, focusSoon, saveBlob, setNotice, show } from './dom.js'
import { formatEta } from './format.js'
import { historyItem } from './history.js'
import { renderMarkdown } from './markdown.js'
import { outlineFromPlan, outlineToPlan, PlanEditor } from './plan-editor.js'
import { followPlanRefinement } from './plan-refinement.js'
import { watchGeneration } from './progress.js'
import { forgetToken, storedToken, storeToken, takeTokenFromAddress } from './session.js'

/**
 * The page's flow: sign in → topic and template → editable plan → generation with live progress
 * → downloads and preview, plus the list of earlier topics to reopen.
 */

const HISTORY_PAGE_SIZE = 10

const editor = new PlanEditor({
  titleInput: byId('plan-title'),
  list: byId('section-list'),
  announcer: byId('plan-announcer')
})

const state = {
  templates: [],
  /** The topic on screen: { topicId, topic, templateId }. */
  current: null,
  stopWatching: null,
  /** Bumped whenever another topic (or nothing) takes the screen, so late answers for the old one are dropped. */
  view: 0,
  historyPage: 0
}

function leaveView () {
  stopRefinement()
  state.stopWatching?.()
  state.stopWatching = null
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
    signOut('로그인이 만료되었거나 토큰이 올바르지 않습니다. 다시 로그인하세요.')
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
  focusSoon(byId('topic-input'))
  loadHistory(true)
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
      ? '토큰이 올바르지 않거나 만료되었습니다.'
      : describeError(error))
    byId('token-input').focus()
  } finally {
    done()
  }
})

function signOut (message = '') {
  leaveView()
  forgetToken()
  state.current = null
  for (const id of ['plan', 'progress', 'result']) show(byId(id), false)
  byId('plan-form').reset()
  byId('history-list').replaceChildren()
  showSignIn('', message)
}

byId('sign-out').addEventListener('click', () => signOut('로그아웃했습니다.'))

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
    const data = await api('/api/topics/plan', { method: 'POST', body: { topic, template_id: templateId } })
    leaveView()
    showPlan({ topicId: data.topic_id, topic, templateId, markdown: data.plan, sections: data.sections, source: data.source })
    if (data.refining) followRefinement(data.topic_id)
    for (const id of ['progress', 'result']) show(byId(id), false)
    focusSoon(byId('plan-heading'))
    loadHistory(true)
  } catch (error) {
    report(error, notice)
  } finally {
    done()
  }
})

let stopRefinement = () => {}

/** The descriptions Claude writes after the plan has arrived fill the sections the user has not touched. */
function followRefinement (topicId) {
  const announcer = byId('plan-announcer')
  announcer.textContent = 'Claude가 섹션 설명을 작성하고 있습니다.'
  stopRefinement = followPlanRefinement(topicId, storedToken(), {
    onSection: (title, description) => editor.fillEmptySection(title, description),
    onEnd: (complete) => { if (complete) announcer.textContent = '섹션 설명을 모두 받았습니다.' }
  })
}

function showPlan ({ topicId, topic, templateId, markdown, sections, source }) {
  stopRefinement()
  state.current = { topicId, topic, templateId }
  editor.load(outlineFromPlan(markdown, sections))
  editor.setDisabled(false)
  show(byId('plan-source'), source === 'template')
  setNotice(byId('generate-error'), '')
  byId('generate-button').disabled = false
  byId('generate-button').textContent = '보고서 생성'
  show(byId('plan'))
}

byId('add-section').addEventListener('click', () => editor.add())

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
      setNotice(byId('progress-notice'), '이 주제의 보고서를 이미 생성하고 있어 그 진행 상황을 보여 드립니다.')
    } else {
      report(error, notice)
    }
    return
  }
  // Restored before watch() disables the button again for the length of the run.
  done()
  watch(topicId, started.stream_url)
  loadHistory(true)
}

byId('generate-button').addEventListener('click', generate)
byId('retry-button').addEventListener('click', () => {
  show(byId('result'), false)
  generate()
})

function watch (topicId, streamUrl) {
  const view = leaveView()
  editor.setDisabled(true)
  byId('generate-button').disabled = true
  show(byId('result'), false)
  setNotice(byId('progress-notice'), '')
  renderProgress({ progress_percent: 0, current_step: '생성을 준비하고 있습니다…' })
  show(byId('progress'))
  focusSoon(byId('progress-heading'))
  state.stopWatching = watchGeneration({
    topicId,
    streamUrl,
    onStatus: (snapshot) => {
      if (view !== state.view) return
      renderProgress(snapshot)
      if (snapshot.status === 'completed') showCompleted(topicId, view)
      else if (snapshot.status === 'failed') showFailed(snapshot.error_message)
    },
    onFailure: (error) => {
      if (view !== state.view) return
      if (error.status === 401) report(error)
      else showFailed(describeError(error))
    },
    onTrouble: (error) => {
      if (view !== state.view) return
      setNotice(byId('progress-notice'), error && `${describeError(error)} 계속 확인하고 있습니다…`)
    }
  })
}

function renderProgress (snapshot) {
  const percent = Math.max(0, Math.min(100, Math.round(snapshot.progress_percent ?? 0)))
  const bar = byId('progress-bar')
  const step = snapshot.current_step ?? (snapshot.status === 'completed' ? '완료' : '')
  bar.setAttribute('aria-valuenow', String(percent))
  bar.setAttribute('aria-valuetext', step ? `${percent}% — ${step}` : `${percent}%`)
  bar.firstElementChild.style.width = `${percent}%`
  byId('progress-percent').textContent = `${percent}%`
  byId('progress-eta').textContent = snapshot.status === 'generating' ? formatEta(snapshot.estimated_completion) : ''
  // The step is a live region: rewriting the same text would announce it again.
  if (step && byId('progress-step').textContent !== step) byId('progress-step').textContent = step
}

function finish (heading) {
  show(byId('progress'), false)
  editor.setDisabled(false)
  byId('generate-button').disabled = false
  // Generating again writes a new version of the files from the plan as it now stands.
  byId('generate-button').textContent = '이 계획으로 다시 생성'
  byId('result-heading').textContent = heading
  show(byId('result'))
  focusSoon(byId('result-heading'))
  loadHistory(true)
}

function showFailed (message) {
  finish('보고서를 만들지 못했습니다')
  show(byId('result-success'), false)
  const reason = (message || '알 수 없는 오류').replace(/[.\s]+$/, '')
  byId('failure-message').textContent = `보고서 생성에 실패했습니다: ${reason}. 계획을 고친 뒤 다시 시도할 수 있습니다.`
  show(byId('result-failure'))
}

async function showCompleted (topicId, view) {
  finish('보고서가 완성되었습니다')
  show(byId('result-failure'), false)
  show(byId('result-success'))
  const buttons = byId('download-buttons')
  const preview = byId('report-preview')
  const notice = byId('download-error')
  setNotice(notice, '')
  buttons.replaceChildren()
  preview.replaceChildren('불러오는 중…')
  try {
    const artifacts = latestArtifacts(await api(`/api/topics/${topicId}/artifacts`))
    if (view !== state.view) return
    buttons.replaceChildren(...artifacts.map((artifact) => downloadButton(artifact, download)))
    const markdown = artifacts.find((artifact) => artifact.kind === 'md')
    if (!markdown) {
      preview.replaceChildren('미리 볼 Markdown 파일이 없습니다.')
      return
    }
    const { blob } = await fetchFile(`/api/artifacts/${markdown.id}/download`)
    const text = await blob.text()
    if (view !== state.view) return
    preview.replaceChildren(renderMarkdown(text))
  } catch (error) {
    if (view !== state.view) return
    preview.replaceChildren()
    report(error, notice)
  }
}

async function download (artifact) {
  const notice = byId('download-error')
  setNotice(notice, '')
  try {
    const { blob, filename } = await fetchFile(`/api/artifacts/${artifact.id}/download`)
    saveBlob(blob, filename ?? artifact.filename)
  } catch (error) {
    report(error, notice)
  }
}

// ── Earlier topics ─────────────────────────────────────────────────────────

async function loadHistory (fromStart) {
  const page = fromStart ? 1 : state.historyPage + 1
  const list = byId('history-list')
  try {
    const data = await api(`/api/topics?page=${page}&page_size=${HISTORY_PAGE_SIZE}`)
    state.historyPage = page
    const items = data.items.map((topic) => historyItem(topic, openTopic))
    if (fromStart) list.replaceChildren(...items)
    else list.append(...items)
    setNotice(byId('history-error'), '')
    show(byId('history-empty'), data.total === 0)
    show(byId('history-more'), page * HISTORY_PAGE_SIZE < data.total)
  } catch (error) {
    report(error, byId('history-error'))
  }
}

byId('history-refresh').addEventListener('click', () => loadHistory(true))
byId('history-more').addEventListener('click', () => loadHistory(false))

async function openTopic (topicId) {
  const view = leaveView()
  try {
    const topic = await api(`/api/topics/${topicId}`)
    if (view !== state.view) return
    byId('topic-input').value = topic.topic
    if (topic.template_id !== null) byId('template-select').value = String(topic.template_id)
    describeTemplate()
    showPlan({ topicId, topic: topic.topic, templateId: topic.template_id, markdown: topic.plan, sections: topic.sections })
    for (const id of ['progress', 'result']) show(byId(id), false)
    if (topic.status === 'generating') watch(topicId, null)
    else if (topic.status === 'completed') showCompleted(topicId, view)
    else if (topic.status === 'failed') showFailed(topic.error_message)
    else focusSoon(byId('plan-heading'))
  } catch (error) {
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
