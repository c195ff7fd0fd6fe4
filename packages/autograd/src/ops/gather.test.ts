// Tests of gather along an axis: PyTorch semantics, repeated indices accumulate, bad indices rejected.

import { describe, expect, it } from 'vitest';
import { gather } from './gather.js';
import { fromArray } from '../creation.js';
import { input, testOp } from '../testing/index.js';
import { ravel, unravel } from '../testing/naive.js';

describe('gather', () => {
  it('axis 1 of (N, V): the per-row pick cross-entropy needs', () => {
    const index = Int32Array.from([2, 0, 3]);
    testOp({
      op: 'gather',
      inputs: [input([3, 4], { seed: 32 })],
      forward: (x) => gather(x, 1, index),
      reference: (x) => Array.from(index, (t, r) => x.data[r * 4 + t]!),
      shape: [3, 1],
    });
  });

  it('axis 0 of a 3-D tensor with several indices per position, repeats included', () => {
    const shape = [2, 3, 2];
    const index = Int32Array.from([1, 0, 0, 0, 1, 1, 0, 1, 1, 1, 0, 0]); // (2, 3, 2): n = 2 along axis 0
    testOp({
      op: 'gather',
      inputs: [input(shape, { seed: 33 })],
      forward: (x) => gather(x, 0, index),
      reference: (x) =>
        Array.from(index, (t, i) => {
          const idx = unravel(i, [2, 3, 2]);
          idx[0] = t;
          return x.data[ravel(idx, shape)]!;
        }),
    });
  });

  it('accumulates the gradient of an index picked twice', () => {
    const x = fromArray([1, 2, 3], [1, 3], { requiresGrad: true });
    gather(x, 1, Int32Array.from([2, 2]))
      .sum()
      .backward();
    expect(Array.from(x.grad!)).toEqual([0, 0, 2]);
  });

  it('rejects out-of-range indices and wrong counts', () => {
    expect(() => gather(input([2, 3]), 1, Int32Array.from([0, 3]))).toThrow(RangeError);
    expect(() => gather(input([2, 3]), 1, Int32Array.from([0, 1, 2]))).toThrow(/do not fit/);
  });
});
