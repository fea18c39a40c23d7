export interface Instruction {
  keyword: string
  /** The arguments as written, continuation lines joined. */
  args: string
}

export interface Stage {
  name: string
  instructions: Instruction[]
}

/** A Dockerfile's stages and their instructions: comments dropped, `\` continuations joined. */
export function parseDockerfile (text: string): Stage[] {
  const logical: string[] = []
  let pending = ''
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (!pending && (line === '' || line.startsWith('#'))) continue
    if (line.endsWith('\\')) {
      pending += line.slice(0, -1).trim() + ' '
      continue
    }
    logical.push(pending + line)
    pending = ''
  }

  const stages: Stage[] = []
  const preamble: Instruction[] = []
  for (const line of logical) {
    const [, keyword = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? []
    const instruction = { keyword: keyword.toUpperCase(), args }
    if (instruction.keyword === 'FROM') {
      const name = /\bAS\s+(\S+)$/i.exec(args)?.[1] ?? String(stages.length)
      stages.push({ name, instructions: [instruction] })
    } else {
      (stages.at(-1)?.instructions ?? preamble).push(instruction)
    }
  }
  return stages
}

/** The arguments of an exec-form instruction (`CMD ["node", "x.js"]`). */
export function execForm (args: string): string[] {
  const parsed: unknown = JSON.parse(args.replace(/^--\S+\s+/g, ''))
  if (!Array.isArray(parsed) || !parsed.every((part) => typeof part === 'string')) throw new Error(`not exec form: ${args}`)
  return parsed
}

/** The shell commands of a RUN line, one per `&&`. */
export const commandsOf = (args: string) => args.split('&&').map((command) => command.trim())

/** The instructions of a stage with this keyword. */
export const find = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword)
