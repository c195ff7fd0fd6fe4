// Tests of slice along an axis: windows on every axis, negative bounds, gradient written back into the window.

import { describe, expect, it } from 'vitest';
import { slice } from './slice.js';
import { input, testOp } from '../testing/index.js';
import { ravel, unravel } from '../testing/naive.js';

function naiveSlice(x: { data: Float64Array; shape: readonly number[] }, axis: number, s: number, e: number): number[] {
  const shape = x.shape.map((d, i) => (i === axis ? e - s : d));
  const n = shape.reduce((a, b) => a * b, 1);
  return Array.from({ length: n }, (_, i) => {
    const idx = unravel(i, shape);
    idx[axis]! += s;
    return x.data[ravel(idx, x.shape)]!;
  });
}

describe('slice', () => {
  for (const [axis, s, e] of [
    [0, 1, 3],
    [1, 0, 2],
    [2, 2, 5],
    [2, 0, 0],
  ] as const) {
    it(`axis ${axis} [${s}, ${e})`, () => {
      testOp({
        op: 'slice',
        inputs: [input([3, 2, 5], { seed: 24 })],
        forward: (x) => slice(x, axis, s, e),
        reference: (x) => naiveSlice(x, axis, s, e),
      });
    });
  }

  it('negative axis and bounds count from the end', () => {
    testOp({
      op: 'slice',
      inputs: [input([3, 5], { seed: 25 })],
      forward: (x) => slice(x, -1, -3, -1),
      reference: (x) => naiveSlice(x, 1, 2, 4),
      shape: [3, 2],
    });
  });

  it('rejects a window outside the axis', () => {
    expect(() => slice(input([3, 5]), 1, 2, 6)).toThrow(RangeError);
    expect(() => slice(input([3, 5]), 0, 2, 1)).toThrow(/not a range/);
  });
});
