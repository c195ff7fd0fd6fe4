// Both builds of the kernels, plain SIMD and relaxed SIMD (fused multiply-add), against the CPU backend.

import { cpuBackend, Rng } from '@tinygpt/autograd';
import { assertClose } from '@tinygpt/autograd/testing';
import { describe, expect, it } from 'vitest';
import { createWasmBackend } from './backend.js';
import { relaxedSimdSupported } from './module.js';

const supported = relaxedSimdSupported();
if (!supported) console.log('relaxed SIMD: this runtime does not validate it; only the plain SIMD build is tested');

describe.each([
  { relaxedSimd: false, label: 'simd' },
  { relaxedSimd: true, label: 'relaxed-simd' },
])('the $label build', ({ relaxedSimd, label }) => {
  it.skipIf(relaxedSimd && !supported)('reports itself and matches the CPU backend within tolerance', async () => {
    const wasm = await createWasmBackend({ threads: 2, initialMemoryMiB: 16, relaxedSimd });
    try {
      expect(wasm.simd).toBe(label);
      const rng = new Rng(`relaxed-${label}`);
      for (const [M, N, K] of [
        [1, 7, 5],
        [13, 9, 300],
        [64, 64, 32],
        [130, 70, 260],
      ] as const) {
        for (const transA of [false, true]) {
          for (const transB of [false, true]) {
            const a = Float32Array.from({ length: M * K }, () => rng.normal());
            const b = Float32Array.from({ length: K * N }, () => rng.normal());
            const want = new Float32Array(M * N);
            cpuBackend.sgemm(transA, transB, M, N, K, a, 0, b, 0, want, 0, false);
            const [wa, wb, wc] = [wasm.alloc(a.length), wasm.alloc(b.length), wasm.alloc(M * N)];
            wa.set(a);
            wb.set(b);
            wasm.sgemm(transA, transB, M, N, K, wa, 0, wb, 0, wc, 0, false);
            assertClose(Array.from(wc), Array.from(want), { atol: 1e-4 * Math.sqrt(K), rtol: 1e-4 });
            for (const x of [wa, wb, wc]) wasm.free(x);
          }
        }
      }
    } finally {
      wasm.close();
    }
  });
});

describe('choosing the build', () => {
  it('takes relaxed SIMD by default where the runtime has it, and refuses it where not', async () => {
    const wasm = await createWasmBackend({ threads: 1, initialMemoryMiB: 16 });
    expect(wasm.simd).toBe(supported ? 'relaxed-simd' : 'simd');
    wasm.close();
    if (!supported) await expect(createWasmBackend({ relaxedSimd: true })).rejects.toThrow(/relaxed SIMD/);
  });
});
