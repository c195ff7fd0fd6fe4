// A module resolution hook (registered by mnist.mjs through node:module's `register`): every import is resolved with
// the @tinygpt/source condition, as `node --conditions=@tinygpt/source` would, so `@tinygpt/x` loads from its src/.
export async function resolve(specifier, context, nextResolve) {
  return nextResolve(specifier, { ...context, conditions: [...context.conditions, '@tinygpt/source'] });
}
