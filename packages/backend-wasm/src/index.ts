// @tinygpt/backend-wasm: a WebAssembly SIMD backend for @tinygpt/autograd, on one core or several.

import { setBackend } from '@tinygpt/autograd';
import { createWasmBackend } from './backend.js';
import type { WasmBackend, WasmBackendOptions } from './backend.js';

export { WasmBackend, createWasmBackend } from './backend.js';
export type { WasmBackendOptions } from './backend.js';
export { WasmRuntime } from './runtime.js';
export type { WasmOptions } from './runtime.js';
export { WasmHeap, blockBytes } from './heap.js';
export type { HeapStats, HeapOptions } from './heap.js';
export { relaxedSimdSupported, sharedMemorySupported } from './module.js';
export { DEFAULT_SPIN_MICROS, MAX_THREADS } from './runtime.js';
export {
  BACKENDS,
  backendDefaults,
  backendSpec,
  closeBackend,
  isBackendName,
  selectBackend,
  withBackend,
} from './select.js';
export type { ActiveBackend, BackendConfig, BackendName } from './select.js';
export type { KernelExports, Ptr } from './module.js';

/**
 * Creates the WebAssembly backend and makes it autograd's active backend; returns it.
 * @example
 * const backend = await useWasmBackend({ threads: 2 });
 * console.log(backend.name, backend.threads); // wasm 2
 */
export async function useWasmBackend(options: WasmBackendOptions = {}): Promise<WasmBackend> {
  const backend = await createWasmBackend(options);
  setBackend(backend);
  return backend;
}
