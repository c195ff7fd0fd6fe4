// Tests of permute (and transpose built on it): every permutation of a 3-D tensor, the attention head split, big 2-D transposes.

import { describe, expect, it } from 'vitest';
import { permute } from './permute.js';
import { transpose } from '../functional/layers.js';
import { input, testOp } from '../testing/index.js';
import { ravel, unravel } from '../testing/naive.js';

/** out[i] = x[perm⁻¹(i)] by index arithmetic. */
function naivePermute(x: { data: Float64Array; shape: readonly number[] }, dims: readonly number[]): number[] {
  const outShape = dims.map((d) => x.shape[d]!);
  const n = x.data.length;
  return Array.from({ length: n }, (_, i) => {
    const idx = unravel(i, outShape);
    const src = new Array<number>(dims.length);
    dims.forEach((d, k) => (src[d] = idx[k]!));
    return x.data[ravel(src, x.shape)]!;
  });
}

describe('permute', () => {
  const perms = [
    [0, 1, 2],
    [0, 2, 1],
    [1, 0, 2],
    [1, 2, 0],
    [2, 0, 1],
    [2, 1, 0],
  ];
  for (const dims of perms) {
    it(`[2, 3, 4] by ${JSON.stringify(dims)}`, () => {
      testOp({
        op: 'permute',
        inputs: [input([2, 3, 4], { seed: 19 })],
        forward: (x) => permute(x, dims),
        reference: (x) => naivePermute(x, dims),
        shape: dims.map((d) => [2, 3, 4][d]!),
      });
    });
  }

  it('splits attention heads: (B, T, nh, hs) → (B, nh, T, hs)', () => {
    testOp({
      op: 'permute',
      inputs: [input([2, 3, 2, 4], { seed: 20 })],
      forward: (x) => permute(x, [0, 2, 1, 3]),
      reference: (x) => naivePermute(x, [0, 2, 1, 3]),
    });
  });

  it('transposes a matrix larger than one cache tile exactly', () => {
    const x = input([70, 45], { seed: 21, requiresGrad: false });
    const y = transpose(x, 0, 1);
    expect(y.shape).toEqual([45, 70]);
    for (const [i, j] of [
      [0, 0],
      [69, 44],
      [33, 17],
      [1, 40],
    ] as const) {
      expect(y.data[j * 70 + i]).toBe(x.data[i * 45 + j]);
    }
    expect(Array.from(y.data)).toEqual(naivePermute({ data: Float64Array.from(x.data), shape: x.shape }, [1, 0]));
  });

  it('transpose(-1, -2) of a batch of matrices', () => {
    testOp({
      op: 'permute',
      inputs: [input([2, 3, 5], { seed: 22 })],
      forward: (x) => transpose(x, -1, -2),
      reference: (x) => naivePermute(x, [0, 2, 1]),
    });
  });

  it('rejects a non-permutation', () => {
    expect(() => permute(input([2, 3]), [0, 0])).toThrow(/not a permutation/);
  });
});
