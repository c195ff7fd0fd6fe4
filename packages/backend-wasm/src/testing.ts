// Shared by the kernel tests of the WebAssembly backend (not built into dist): the backend they run on, seeded input
// makers that fill an ordinary array and its copy in WebAssembly memory, and the tolerance against the CPU backend.
import type { Rng } from '@tinygpt/autograd';
import type { WasmBackend, WasmBackendOptions } from './backend.js';

/** One thread, a small first memory, freed buffers poisoned so a use after free shows. */
export const testBackendOptions: WasmBackendOptions = { threads: 1, initialMemoryMiB: 16, poisonFreed: true };

/** Number of elements of a tensor of `shape`. */
export const size = (shape: readonly number[]): number => shape.reduce((p, d) => p * d, 1);

/** Values drawn from `draw`, once as an ordinary array for the CPU backend and once in `wasm`'s memory. */
export function pairIn(wasm: WasmBackend, n: number, draw: () => number): [Float32Array, Float32Array] {
  const cpu = new Float32Array(n);
  for (let i = 0; i < n; i++) cpu[i] = draw();
  const w = wasm.alloc(n);
  w.set(cpu);
  return [cpu, w];
}

/** Draws from N(0, scale²). */
export const normal =
  (rng: Rng, scale = 1) =>
  () =>
    rng.normal() * scale;
/** Draws from [0.05, 3.05): inputs of log, sqrt and pow. */
export const positive = (rng: Rng) => () => 0.05 + 3 * rng.random();

/** Float32 kernels agree to a few ulps of the values involved. */
export const tol = { atol: 1e-5, rtol: 2e-5 };
