/**
 * Saves the plan being edited as the topic's draft on the server, a moment after the last change
 * (and again a little later if saving failed), so a reload, a crash or another device finds the
 * edits. `unsaved` says whether leaving now would lose something.
 */

const SAVE_DELAY_MS = 700
const RETRY_DELAY_MS = 5000

export class DraftSaver {
  #save
  #onState
  #timer
  #saving = null
  #dirty = false
  #stopped = false

  /** save(): Promise that stores the current edits; onState('saving' | 'saved' | 'failed'). */
  constructor ({ save, onState }) {
    this.#save = save
    this.#onState = onState
  }

  get unsaved () {
    return this.#dirty || this.#saving !== null
  }

  changed () {
    if (this.#stopped) return
    this.#dirty = true
    this.#schedule(SAVE_DELAY_MS)
  }

  /** Saves at once what is waiting (before the page hands the topic to something else). */
  async flush () {
    clearTimeout(this.#timer)
    if (this.#saving) await this.#saving.catch(() => {})
    if (this.#dirty) await this.#run()
  }

  /** Drops what is waiting: the edits went to the server another way (with /generate). */
  stop () {
    this.#stopped = true
    this.#dirty = false
    clearTimeout(this.#timer)
  }

  #schedule (delay) {
    clearTimeout(this.#timer)
    this.#timer = setTimeout(() => this.#run(), delay)
  }

  async #run () {
    if (this.#stopped || !this.#dirty) return
    if (this.#saving) {
      this.#schedule(SAVE_DELAY_MS)
      return
    }
    this.#dirty = false
    this.#onState('saving')
    this.#saving = this.#save()
    try {
      await this.#saving
      if (!this.#stopped) this.#onState(this.#dirty ? 'saving' : 'saved')
    } catch (error) {
      if (this.#stopped) return
      this.#dirty = true
      this.#onState('failed', error)
      this.#schedule(RETRY_DELAY_MS)
    } finally {
      this.#saving = null
    }
  }
}
