/**
 * Fastify compiles a serializer for every status code of every route and a validator for every
 * part of every request, and most of them are the same few schemas (the error envelope answers
 * several statuses on every route): 236 compilations for 49 different schemas. Each compilation
 * generates and evaluates code anew, and together they were a fifth of the service's start-up.
 * Equal schemas share one compiled function.
 *
 * Equal means equal as JSON: TypeBox's symbol keys and the order of keys do not matter to the
 * compilers, and a schema that differs only in key order just compiles once more.
 */
export function compiledOncePerSchema<Definition extends { schema?: unknown }, Compiled> (
  compile: (definition: Definition) => Compiled
): (definition: Definition) => Compiled {
  const compiled = new Map<string, Compiled>()
  return (definition) => {
    const key = JSON.stringify(definition.schema)
    let fn = compiled.get(key)
    if (fn === undefined) {
      fn = compile(definition)
      compiled.set(key, fn)
    }
    return fn
  }
}

/**
 * `makeCompiler`'s compiler for each distinct set of arguments, made once per process and compiling
 * each schema once: an app built after another (the tests build dozens in one process) compiles
 * nothing the first one already did. Arguments are told apart as JSON, like schemas.
 */
export function compilerPerArguments<Args extends unknown[], Definition extends { schema?: unknown }, Compiled> (
  makeCompiler: (...args: Args) => (definition: Definition) => Compiled
): (...args: Args) => (definition: Definition) => Compiled {
  const compilers = new Map<string, (definition: Definition) => Compiled>()
  return (...args) => {
    const key = JSON.stringify(args)
    let compiler = compilers.get(key)
    if (compiler === undefined) {
      compiler = compiledOncePerSchema(makeCompiler(...args))
      compilers.set(key, compiler)
    }
    return compiler
  }
}
