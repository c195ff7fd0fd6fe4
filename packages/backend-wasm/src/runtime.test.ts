import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WasmRuntime } from './runtime.js';

/** The definition: one float64 dot product per entry of C. */
function naiveSgemm(
  tA: boolean, tB: boolean, M: number, N: number, K: number,
  a: Float32Array, b: Float32Array, c: Float32Array, acc: boolean,
): void {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += (tA ? a[k * M + i]! : a[i * K + k]!) * (tB ? b[j * K + k]! : b[k * N + j]!);
      c[i * N + j] = (acc ? c[i * N + j]! : 0) + s;
    }
  }
}

/** A deterministic stream of values in [−1, 1). */
function fill(x: Float32Array, seed: number): void {
  let s = seed >>> 0;
  for (let i = 0; i < x.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = s / 2 ** 31 - 1;
  }
}

const shapes: [number, number, number][] = [
  [1, 1, 1], [1, 9, 3], [3, 5, 7], [4, 8, 16], [5, 9, 17], [17, 9, 300], [33, 65, 257], [130, 70, 513],
  [2, 2051, 3], [64, 64, 64], [9, 1, 40], [0, 4, 4], [4, 0, 4], [4, 4, 0],
];

describe.each([1, 2])('sgemm on %i thread(s)', (threads) => {
  let rt: WasmRuntime;
  beforeAll(async () => {
    rt = await WasmRuntime.create({ threads, parallelThreshold: 1, initialMemoryMiB: 16 });
  });
  afterAll(() => rt.close());
  it.each(shapes)('matches the definition for M=%i N=%i K=%i, every transpose and accumulate', (M, N, K) => {
    const heap = rt.heap;
    for (const tA of [false, true]) {
      for (const tB of [false, true]) {
        for (const acc of [false, true]) {
          const a = heap.alloc(M * K + 3), b = heap.alloc(K * N + 5), c = heap.alloc(M * N + 2);
          fill(a, M * 7 + K), fill(b, N * 13 + K), fill(c, 99);
          const expected = c.slice(1, 1 + M * N);
          const before = c[1 + M * N];
          naiveSgemm(tA, tB, M, N, K, a.subarray(3), b.subarray(5), expected, acc);
          rt.sgemm(tA, tB, M, N, K, heap.addressOf(a) + 12, tA ? M : K, heap.addressOf(b) + 20, tB ? K : N,
            heap.addressOf(c) + 4, N, acc);
          const got = c.subarray(1, 1 + M * N);
          let worst = 0;
          for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - expected[i]!));
          expect(worst).toBeLessThan(1e-5 * (1 + K));
          expect(c[1 + M * N]).toBe(before);
          heap.free(a), heap.free(b), heap.free(c);
        }
      }
    }
  });
});
