// The WebAssembly backend's causal batched products (attention's): against the CPU backend, bit for bit against its
// own ordinary product of operands masked beforehand (the masked kernel only skips multiply-adds by zero), and the
// same bits on two threads as on one.

import { cpuBackend, Rng } from '@tinygpt/autograd';
import type { GemmMask } from '@tinygpt/autograd';
import { assertClose } from '@tinygpt/autograd/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWasmBackend } from './backend.js';
import type { WasmBackend } from './backend.js';
import { normal, pairIn, testBackendOptions } from './testing.js';

let wasm: WasmBackend;
let two: WasmBackend;
beforeAll(async () => {
  wasm = await createWasmBackend(testBackendOptions);
  two = await createWasmBackend({ ...testBackendOptions, threads: 2 });
  await two.ready();
});
afterAll(() => {
  wasm.close();
  two.close();
});

function expectSameBits(actual: Float32Array, expected: Float32Array): void {
  expect(actual.length).toBe(expected.length);
  const ua = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const ub = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  const differ: number[] = [];
  for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) differ.push(i);
  expect(differ.slice(0, 5)).toEqual([]);
}

/** Whether entry (i, j) survives the causal mask with offset d. */
const kept = (i: number, j: number, d: number): boolean => j <= i + d;

describe('causal batched products', () => {
  // [M, N, K]: tiles cut at the edges; 530 crosses a 512-deep block of K; 300 crosses a 256-wide block of N
  const shapes = [
    [13, 13, 9],
    [5, 21, 6],
    [37, 11, 530],
    [21, 300, 7],
  ] as const;
  const masks = ['lowerC', 'lowerA', 'upperA'] as const satisfies readonly GemmMask[];

  it.each(masks)('%s: the CPU backend, and the bits of the ordinary product of masked operands', (mask) => {
    const rng = new Rng(`sgemmBatched-${mask}`);
    const batch = 3;
    for (const [M, N, K] of shapes) {
      for (const diagonal of [0, 4, -3]) {
        for (const transA of [false, true]) {
          for (const transB of [false, true]) {
            for (const acc of [false, true]) {
              const [a, wa] = pairIn(wasm, M * K * batch, normal(rng));
              const [b, wb] = pairIn(wasm, K * N * batch, normal(rng));
              const [c, wc] = pairIn(wasm, M * N * batch, normal(rng));
              const args = [M, N, K, batch] as const;
              cpuBackend.sgemmBatched(
                transA,
                transB,
                ...args,
                a,
                0,
                M * K,
                b,
                0,
                K * N,
                c,
                0,
                M * N,
                acc,
                mask,
                diagonal,
              );
              const before = wc.slice();
              wasm.sgemmBatched(transA, transB, ...args, wa, 0, M * K, wb, 0, K * N, wc, 0, M * N, acc, mask, diagonal);
              assertClose(wc, c, { atol: 1e-4, rtol: 1e-5 });

              // The ordinary product, of op(A) with its masked entries zeroed, or with C's masked entries restored.
              const ra = wasm.alloc(wa.length);
              ra.set(wa);
              const rc = wasm.alloc(wc.length);
              rc.set(before);
              for (let p = 0; p < batch; p++) {
                for (let i = 0; i < M; i++) {
                  for (let k = 0; k < K && mask !== 'lowerC'; k++) {
                    const keep = mask === 'lowerA' ? kept(i, k, diagonal) : kept(k, i, diagonal);
                    if (!keep) ra[p * M * K + (transA ? k * M + i : i * K + k)] = 0;
                  }
                }
              }
              wasm.sgemmBatched(transA, transB, ...args, ra, 0, M * K, wb, 0, K * N, rc, 0, M * N, acc);
              if (mask === 'lowerC') {
                for (let p = 0; p < batch; p++)
                  for (let i = 0; i < M; i++)
                    for (let j = Math.max(i + diagonal + 1, 0); j < N; j++) {
                      const at = (p * M + i) * N + j;
                      rc[at] = acc ? before[at]! : 0;
                    }
              }
              expectSameBits(wc, rc);
              for (const x of [wa, wb, wc, ra, rc]) wasm.free(x);
            }
          }
        }
      }
    }
  });

  it.each(masks)('%s: attention-sized batches shared out on two threads give the bits of one', (mask) => {
    const rng = new Rng(`sgemmBatched-threads-${mask}`);
    const [T, hs, batch] = [64, 32, 48];
    // Scores and dP are T×T from T×hs operands; the rest T×hs from a T×T one.
    const [M, N, K, transA, transB] =
      mask === 'lowerC'
        ? [T, T, hs, false, true]
        : mask === 'lowerA'
          ? [T, hs, T, false, false]
          : [T, hs, T, true, false];
    const [, a1] = pairIn(wasm, M * K * batch, normal(rng));
    const [, b1] = pairIn(wasm, K * N * batch, normal(rng));
    const c1 = wasm.alloc(M * N * batch);
    const [a2, b2, c2] = [two.alloc(a1.length), two.alloc(b1.length), two.alloc(c1.length)];
    a2.set(a1);
    b2.set(b1);
    for (const [be, a, b, c] of [
      [wasm, a1, b1, c1],
      [two, a2, b2, c2],
    ] as const) {
      be.sgemmBatched(transA, transB, M, N, K, batch, a, 0, M * K, b, 0, K * N, c, 0, M * N, false, mask, 0);
    }
    expectSameBits(c2, c1);
  });
});
