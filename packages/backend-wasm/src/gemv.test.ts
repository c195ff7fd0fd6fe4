// One-row products (M = 1, a token's step in generation) go through the gemv kernel, which packs nothing: the same bits
// as sgemm's packed path, on both builds, with and without accumulation, on one thread and split among two.

import { Rng } from '@tinygpt/autograd';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWasmBackend } from './backend.js';
import type { WasmBackend } from './backend.js';
import { relaxedSimdSupported } from './module.js';

const builds = [false, ...(relaxedSimdSupported() ? [true] : [])];
const backends: WasmBackend[] = [];
beforeAll(async () => {
  for (const relaxedSimd of builds) backends.push(await createWasmBackend({ threads: 1, relaxedSimd }));
  backends.push(await createWasmBackend({ threads: 2 }));
});
afterAll(() => backends.forEach((b) => b.close()));

/**
 * y = x·op(W) through the runtime (gemv for one row) and through the sgemm kernel itself (packed);
 * the indices of the outputs whose bits differ.
 */
function differing(be: WasmBackend, transW: boolean, N: number, K: number, accumulate: boolean): number[] {
  const rng = new Rng(`gemv ${N} ${K}`);
  const [x, w, y, ref] = [be.alloc(K), be.alloc(N * K), be.alloc(N), be.alloc(N)];
  for (const t of [x, w]) for (let i = 0; i < t.length; i++) t[i] = rng.normal() * (i % 7 === 0 ? 1e3 : 1);
  for (let i = 0; i < N; i++) y[i] = ref[i] = rng.normal();
  const { runtime } = be;
  const at = (t: Float32Array): number => runtime.heap.addressOf(t);
  const ldw = transW ? K : N;
  runtime.sgemm(false, transW, 1, N, K, at(x), K, at(w), ldw, at(y), N, accumulate);
  const work = runtime.heap.alloc(runtime.kernels.sgemmWorkspaceBytes() / 4);
  runtime.kernels.sgemm(0, transW ? 1 : 0, 1, N, K, at(x), K, at(w), ldw, at(ref), N, accumulate ? 1 : 0, at(work));
  const bad = Array.from(y.keys()).filter((i) => !Object.is(y[i], ref[i]));
  for (const t of [x, w, y, ref, work]) be.free(t);
  return bad;
}

describe('gemv: a one-row product has the bits of the packed sgemm', () => {
  const shapes: [number, number][] = [
    [1, 1],
    [3, 5],
    [4, 4],
    [7, 31],
    [8, 256],
    [9, 257],
    [17, 300],
    [65, 128],
    [384, 128],
    [128, 513],
  ];
  it.each(builds.map((relaxed, i) => [relaxed ? 'relaxed SIMD' : 'SIMD', i] as const))(
    'on the %s build, one thread',
    (_, index) => {
      for (const [N, K] of shapes)
        for (const transW of [true, false])
          for (const accumulate of [false, true])
            expect(differing(backends[index]!, transW, N, K, accumulate), `${N}×${K} ${transW} ${accumulate}`).toEqual(
              [],
            );
    },
  );

  it('split among two threads (a GPT-2-sized row), and at K = 0', () => {
    const two = backends.at(-1)!;
    for (const transW of [true, false]) expect(differing(two, transW, 2304, 768, false)).toEqual([]);
    expect(differing(two, true, 5, 0, false)).toEqual([]);
    expect(differing(two, true, 5, 0, true)).toEqual([]);
  });
});
