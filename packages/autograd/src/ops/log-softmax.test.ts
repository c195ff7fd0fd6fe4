// Tests of the fused log-softmax: against a float64 reference, equal to its composition, finite for huge logits.

import { describe, expect, it } from 'vitest';
import { logSoftmaxLast } from './log-softmax.js';
import { fromArray } from '../creation.js';
import { logSoftmax, logSoftmaxComposed } from '../functional/softmax.js';
import { assertClose, input, testOp } from '../testing/index.js';
import { rows } from '../testing/naive.js';

const naive = (x: { data: Float64Array; shape: readonly number[] }) =>
  rows(x).flatMap((r) => {
    const m = Math.max(...r);
    const lse = m + Math.log(r.reduce((a, v) => a + Math.exp(v - m), 0));
    return r.map((v) => v - lse);
  });

describe('logSoftmax', () => {
  for (const shape of [[5], [3, 4], [2, 2, 6]]) {
    it(`last axis of ${JSON.stringify(shape)}`, () => {
      testOp({
        op: 'logSoftmax',
        inputs: [input(shape, { seed: 47 })],
        forward: (x) => logSoftmaxLast(x),
        reference: naive,
      });
    });
  }

  it('equals its composition, value and gradient, on every axis', () => {
    for (const axis of [-1, 0]) {
      const a = input([3, 4], { seed: 48 });
      const b = input([3, 4], { seed: 48 });
      const ya = logSoftmax(a, axis);
      const yb = logSoftmaxComposed(b, axis);
      assertClose(ya.data, yb.data, { atol: 1e-6 });
      const w = input([3, 4], { seed: 49, requiresGrad: false });
      ya.mul(w).sum().backward();
      yb.mul(w).sum().backward();
      assertClose(a.grad!, b.grad!, { atol: 1e-6 });
    }
  });

  it('logSoftmax([1000, 1000, -1000]) = [−ln 2, −ln 2, −2000.69…], finite', () => {
    for (const y of [logSoftmax(fromArray([1000, 1000, -1000])), logSoftmaxComposed(fromArray([1000, 1000, -1000]))]) {
      assertClose(y.data, [-Math.LN2, -Math.LN2, -2000 - Math.LN2], { atol: 1e-4 });
      expect(Array.from(y.data).every(Number.isFinite)).toBe(true);
    }
  });
});
