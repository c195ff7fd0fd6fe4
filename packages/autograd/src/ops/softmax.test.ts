// Tests of the fused softmax: against a float64 reference, equal to its composition, finite for huge logits.

import { describe, expect, it } from 'vitest';
import { softmaxLast } from './softmax.js';
import { fromArray } from '../creation.js';
import { softmax, softmaxComposed } from '../functional/softmax.js';
import { assertClose, input, testOp } from '../testing/index.js';
import { rows } from '../testing/naive.js';

const naive = (x: { data: Float64Array; shape: readonly number[] }) =>
  rows(x).flatMap((r) => {
    const m = Math.max(...r);
    const e = r.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / s);
  });

describe('softmax', () => {
  for (const shape of [[5], [3, 4], [2, 2, 6]]) {
    it(`last axis of ${JSON.stringify(shape)}`, () => {
      testOp({
        op: 'softmax',
        inputs: [input(shape, { seed: 43 })],
        forward: (x) => softmaxLast(x),
        reference: naive,
      });
    });
  }

  it('equals its composition exp(x − max)/Σ, value and gradient, on every axis', () => {
    for (const axis of [-1, 0, 1]) {
      const a = input([3, 4], { seed: 44 });
      const b = input([3, 4], { seed: 44 });
      const ya = softmax(a, axis);
      const yb = softmaxComposed(b, axis);
      assertClose(ya.data, yb.data, { atol: 1e-6 });
      const w = input([3, 4], { seed: 45, requiresGrad: false });
      ya.mul(w).sum().backward();
      yb.mul(w).sum().backward();
      assertClose(a.grad!, b.grad!, { atol: 1e-6 });
    }
  });

  it('softmax([1000, 1000, -1000]) = [0.5, 0.5, 0], finite', () => {
    expect(Array.from(softmax(fromArray([1000, 1000, -1000])).data)).toEqual([0.5, 0.5, 0]);
    expect(Array.from(softmaxComposed(fromArray([1000, 1000, -1000])).data)).toEqual([0.5, 0.5, 0]);
  });

  it('rows sum to one', () => {
    const p = softmax(input([4, 7], { seed: 46, low: -30, high: 30 }));
    for (let r = 0; r < 4; r++) expect(p.data.subarray(r * 7, r * 7 + 7).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  });
});
