// The one place that holds the active backend; every op reaches its kernels through `getBackend()`.

import type { Backend } from './backend.js';
import { cpuBackend } from './cpu/index.js';

let active: Backend = cpuBackend;

/**
 * Makes `backend` run every kernel from now on (tensors created before keep their storage).
 * @example setBackend(await createWasmBackend());
 */
export function setBackend(backend: Backend): void {
  active = backend;
}

/** The backend kernels currently run on (the CPU backend unless `setBackend` said otherwise). */
export function getBackend(): Backend {
  return active;
}
