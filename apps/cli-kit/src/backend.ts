// Chooses the tensor kernels a command runs on: WebAssembly SIMD on every core (the default) or the pure-TypeScript reference.
import { availableParallelism } from 'node:os';
import { cpuBackend, setBackend } from '@tinygpt/autograd';
import { useWasmBackend } from '@tinygpt/backend-wasm';
import { CliError, USAGE_EXIT_CODE } from './cli-error.js';

/** The backends a command can run on: `wasm` (@tinygpt/backend-wasm) and `js` (autograd's CPU reference). */
export const BACKENDS = ['wasm', 'js'] as const;

/** One of {@link BACKENDS}. */
export type BackendName = (typeof BACKENDS)[number];

/** The knobs every training or inference command adds to its defaults. */
export interface BackendConfig {
  backend: string;
  threads: number;
}

/**
 * Defaults for the `--backend` and `--threads` knobs: the backend named by the `TINYGPT_BACKEND`
 * environment variable, else `wasm`; `threads` 0 means one per core.
 * @throws CliError when `TINYGPT_BACKEND` names no backend.
 */
export function backendDefaults(env: Record<string, string | undefined> = process.env): BackendConfig {
  const backend = env.TINYGPT_BACKEND?.trim() || 'wasm';
  if (!isBackendName(backend)) {
    throw new CliError(`TINYGPT_BACKEND must be ${BACKENDS.join(' or ')}, got '${backend}'`, {
      exitCode: USAGE_EXIT_CODE,
    });
  }
  return { backend, threads: 0 };
}

/** Help lines for the two knobs, in the form `resolveConfig` takes. */
export const backendHelp: { readonly [K in keyof BackendConfig]: string } = {
  backend:
    'tensor kernels: wasm (WebAssembly SIMD) or js (the pure-TypeScript reference); default $TINYGPT_BACKEND or wasm',
  threads: 'threads for the wasm kernels (0: one per core)',
};

/** Allowed values, in the form `resolveConfig` takes. */
export const backendChoices = { backend: [...BACKENDS] } as const;

/** The backend a command ended up on. */
export interface ActiveBackend {
  name: BackendName;
  /** Threads the kernels run on (1 for `js`). */
  threads: number;
  /** A one-line description for logs, e.g. `wasm (2 threads, relaxed-simd)`. */
  describe(): string;
}

/**
 * Installs the chosen backend with autograd's `setBackend`; every tensor created afterwards lives in
 * its storage. Call it once, before the model is built or loaded.
 *
 * @example
 * const active = await selectBackend({ backend: 'wasm', threads: 0 }); // active.describe() → 'wasm (2 threads, relaxed-simd)'
 */
export async function selectBackend(config: BackendConfig): Promise<ActiveBackend> {
  const { backend, threads } = config;
  if (!isBackendName(backend)) {
    throw new CliError(`--backend must be ${BACKENDS.join(' or ')}, got '${backend}'`, { exitCode: USAGE_EXIT_CODE });
  }
  if (!Number.isInteger(threads) || threads < 0) {
    throw new CliError(`--threads must be a whole number ≥ 0 (0: one per core), got ${threads}`, {
      exitCode: USAGE_EXIT_CODE,
    });
  }
  if (backend === 'js') {
    setBackend(cpuBackend);
    return { name: 'js', threads: 1, describe: () => 'js (1 thread)' };
  }
  const wasm = await useWasmBackend({ threads: threads || availableParallelism() });
  const n = wasm.threads;
  const label = `wasm (${n} thread${n === 1 ? '' : 's'}${wasm.simd === 'relaxed-simd' ? ', relaxed-simd' : ''})`;
  return { name: 'wasm', threads: n, describe: () => label };
}

function isBackendName(name: string): name is BackendName {
  return (BACKENDS as readonly string[]).includes(name);
}
