// The single allocation point for tensor storage, so a backend can place every buffer where its kernels want it.

import { getBackend } from './backend/active.js';

/**
 * A zero-filled buffer of `size` floats from the active backend. Every tensor's data and
 * gradient is created here and nowhere else.
 */
export function allocStorage(size: number): Float32Array {
  return getBackend().alloc(size);
}

/** Returns a buffer that nothing references any more (an intermediate gradient) to the backend. */
export function freeStorage(buffer: Float32Array): void {
  getBackend().free(buffer);
}
