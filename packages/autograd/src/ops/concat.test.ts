// Tests of concat: along each axis, with unequal lengths, gradients split back to every input.

import { describe, expect, it } from 'vitest';
import { concat } from './concat.js';
import { input, testOp } from '../testing/index.js';
import { ravel, unravel } from '../testing/naive.js';

function naiveConcat(xs: { data: Float64Array; shape: readonly number[] }[], axis: number): number[] {
  const total = xs.reduce((a, x) => a + x.shape[axis]!, 0);
  const shape = xs[0]!.shape.map((d, i) => (i === axis ? total : d));
  const n = shape.reduce((a, b) => a * b, 1);
  return Array.from({ length: n }, (_, i) => {
    const idx = unravel(i, shape);
    let k = 0;
    while (idx[axis]! >= xs[k]!.shape[axis]!) idx[axis]! -= xs[k++]!.shape[axis]!;
    return xs[k]!.data[ravel(idx, xs[k]!.shape)]!;
  });
}

describe('concat', () => {
  for (const axis of [0, 1, 2]) {
    it(`three tensors along axis ${axis}`, () => {
      const shapes = [1, 2, 3].map((len) => [2, 3, 2].map((d, i) => (i === axis ? len : d)));
      testOp({
        op: 'concat',
        inputs: shapes.map((s, k) => input(s, { seed: 26 + k })),
        forward: (...xs) => concat(xs, axis),
        reference: (...xs) => naiveConcat(xs, axis),
      });
    });
  }

  it('negative axis; an input without grad gets none', () => {
    const a = input([2, 2], { seed: 30 });
    const b = input([2, 1], { seed: 31, requiresGrad: false });
    testOp({
      op: 'concat',
      inputs: [a, b],
      forward: (x, y) => concat([x, y], -1),
      reference: (x, y) => naiveConcat([x, y], 1),
      shape: [2, 3],
    });
    expect(b.grad).toBeNull();
  });

  it('rejects mismatched shapes', () => {
    expect(() => concat([input([2, 3]), input([3, 3])], 1)).toThrow(/does not match/);
    expect(() => concat([], 0)).toThrow(/at least one/);
  });
});
