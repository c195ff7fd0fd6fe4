// The oldest Node the commands run on, checked once at start: an older Node gets one clear line, not a failure deep in a worker pool.

/**
 * The Node versions tinygpt runs on, as `engines` states them: `process.getBuiltinModule` (how the
 * wasm backend, which must also load in browsers, reaches `node:worker_threads`) arrived in 20.16
 * and 22.3, and `writeFileSync(…, { flush })` (checkpoints) in 20.10.
 */
export const NODE_ENGINES = '>=20.16 <21 || >=22.3';

/**
 * Why `version` (default: this process's) is too old for tinygpt, or `undefined` when it will do.
 * @example
 * nodeTooOld('20.15.1'); // 'tinygpt needs Node 20.16+ (or 22.3+); this is Node 20.15.1 …'
 */
export function nodeTooOld(version: string = process.versions.node): string | undefined {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const fine = (major === 20 && minor >= 16) || (major === 22 && minor >= 3) || major >= 23;
  if (fine) return undefined;
  return `tinygpt needs Node 20.16+ (or 22.3+); this is Node ${version}, which lacks process.getBuiltinModule (the wasm backend's threads)`;
}
