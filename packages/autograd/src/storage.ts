// The single allocation point for tensor storage, so a backend can place every buffer where its kernels want it.

import { getBackend } from './backend/active.js';

/**
 * A buffer of `size` floats from the active backend whose contents are unspecified (a recycled
 * buffer keeps old values): for outputs a kernel overwrites entirely. Every tensor's data, and
 * every buffer an op keeps for backward, is created here or by {@link allocZeroed}.
 */
export function allocStorage(size: number): Float32Array {
  return getBackend().alloc(size, false);
}

/** A zero-filled buffer of `size` floats: for gradients and other buffers kernels accumulate into. */
export function allocZeroed(size: number): Float32Array {
  return getBackend().alloc(size, true);
}

/** Returns a buffer that nothing references any more (an intermediate gradient) to the backend. */
export function freeStorage(buffer: Float32Array): void {
  getBackend().free(buffer);
}
