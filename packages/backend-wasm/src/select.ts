// Chooses the tensor kernels a program runs on by name — WebAssembly SIMD on N threads, or autograd's pure-TypeScript
// reference — and releases them when it is done.
import { cpuBackend, getBackend, setBackend } from '@tinygpt/autograd';
import { createWasmBackend } from './backend.js';
import { MAX_THREADS } from './runtime.js';

/** The backends a program can run on: `wasm` (this package) and `js` (autograd's CPU reference). */
export const BACKENDS = ['wasm', 'js'] as const;

/** One of {@link BACKENDS}. */
export type BackendName = (typeof BACKENDS)[number];

/** The two knobs of a backend choice, as the apps' `--backend` and `--threads` flags set them. */
export interface BackendConfig {
  backend: string;
  /** Threads for the wasm kernels; 0 means one per core. */
  threads: number;
}

/** The backend a program ended up on. */
export interface ActiveBackend {
  name: BackendName;
  /** Threads the kernels run on (1 for `js`). */
  threads: number;
  /** A one-line description for logs, e.g. `wasm (2 threads, relaxed-simd)`. */
  describe(): string;
}

/** Whether `name` is one of {@link BACKENDS}. */
export function isBackendName(name: string): name is BackendName {
  return (BACKENDS as readonly string[]).includes(name);
}

/**
 * Defaults for the `--backend` and `--threads` knobs: the backend named by the `TINYGPT_BACKEND`
 * environment variable (checked with the flags, see {@link backendSpec}), else `wasm`; threads 0.
 * @example
 * backendDefaults({ TINYGPT_BACKEND: 'js' }); // { backend: 'js', threads: 0 }
 */
export function backendDefaults(env: Readonly<Record<string, string | undefined>>): BackendConfig {
  return { backend: env.TINYGPT_BACKEND?.trim() || 'wasm', threads: 0 };
}

/**
 * The two knobs' help, allowed values and checks, in the form cli-kit's `resolveConfig` takes
 * (a check returns what was expected, or `undefined`), and where a non-built-in default comes from.
 * @example
 * const spec = { help: { ...help, ...backendSpec.help }, choices: backendSpec.choices, validate: backendSpec.validate };
 */
export const backendSpec = {
  help: {
    backend:
      'tensor kernels: wasm (WebAssembly SIMD) or js (the pure-TypeScript reference); default $TINYGPT_BACKEND or wasm',
    threads: `threads for the wasm kernels (0: one per core; at most ${MAX_THREADS})`,
  },
  choices: { backend: BACKENDS },
  validate: {
    threads: (value: number): string | undefined =>
      Number.isInteger(value) && value >= 0 && value <= MAX_THREADS
        ? undefined
        : `a whole number from 0 to ${MAX_THREADS} (0: one per core)`,
  },
  defaultFrom: { backend: '$TINYGPT_BACKEND' },
} as const;

/**
 * Installs the chosen backend with autograd's `setBackend`; every tensor created afterwards lives in
 * its storage. Call it once, before the model is built or loaded.
 * @throws RangeError for a name not in {@link BACKENDS} or a thread count {@link backendSpec} refuses.
 * @example
 * const active = await selectBackend({ backend: 'wasm', threads: 0 }); // active.describe() → 'wasm (2 threads, relaxed-simd)'
 */
export async function selectBackend(config: BackendConfig): Promise<ActiveBackend> {
  const { backend, threads } = config;
  if (!isBackendName(backend) || backendSpec.validate.threads(threads) !== undefined)
    throw new RangeError(
      `backend must be ${BACKENDS.join(' or ')} on 0 to ${MAX_THREADS} threads, got ${backend} on ${threads}`,
    );
  if (backend === 'js') {
    setBackend(cpuBackend);
    // The reference kernels have no threads: a count asked for is named in the log line, not dropped silently.
    const label = threads > 1 ? `js (1 thread; it ignores --threads ${threads})` : 'js (1 thread)';
    return { name: 'js', threads: 1, describe: () => label };
  }
  const wasm = await createWasmBackend({ threads: threads || Math.min(coreCount(), MAX_THREADS) });
  setBackend(wasm);
  const n = wasm.threads;
  const label = `wasm (${n} thread${n === 1 ? '' : 's'}${wasm.simd === 'relaxed-simd' ? ', relaxed-simd' : ''})`;
  return { name: 'wasm', threads: n, describe: () => label };
}

/**
 * Installs the backend `config` names and runs `command` on it; every tensor must be made inside
 * `command`, since a tensor lives in the storage of the backend that made it. Afterwards the
 * backend is closed ({@link closeBackend}), so the process ends as soon as its output is written.
 * @example
 * await withBackend({ backend: 'wasm', threads: 0 }, async (backend) => {
 *   console.log(`backend: ${backend.describe()}`); // backend: wasm (2 threads)
 * });
 */
export async function withBackend<T>(
  config: BackendConfig,
  command: (backend: ActiveBackend) => Promise<T>,
): Promise<T> {
  const active = await selectBackend(config);
  try {
    return await command(active);
  } finally {
    closeBackend();
  }
}

/**
 * Stops the active backend's worker threads, if it has any (the wasm backend's `close()`); idle
 * workers would otherwise keep a finished Node program alive. Its kernels go on, on one thread.
 */
export function closeBackend(): void {
  const backend = getBackend();
  if ('close' in backend && typeof backend.close === 'function') backend.close();
}

/** Logical cores: the browser's `navigator.hardwareConcurrency`, Node's `os.availableParallelism()`, else 1. */
function coreCount(): number {
  const global = globalThis as {
    navigator?: { hardwareConcurrency?: number };
    process?: { getBuiltinModule?: (id: string) => unknown };
  };
  const fromBrowser = global.navigator?.hardwareConcurrency;
  if (fromBrowser) return fromBrowser;
  const os = global.process?.getBuiltinModule?.call(global.process, 'node:os') as
    { availableParallelism?: () => number } | undefined;
  return os?.availableParallelism?.() ?? 1;
}
