// Tests of where and maskedFill: three-way broadcasting, gradients to the chosen side, -Infinity fills stay harmless.

import { describe, expect, it } from 'vitest';
import { where } from './where.js';
import { fromArray } from '../creation.js';
import { maskedFill } from '../functional/layers.js';
import { softmax } from '../functional/softmax.js';
import { input, testOp } from '../testing/index.js';
import { elementwise } from '../testing/naive.js';

/** A 0/1 tensor without grad. */
const mask = (shape: number[], seed: number) => {
  const m = input(shape, { seed, requiresGrad: false });
  m.data.forEach((v, i) => (m.data[i] = v > 0 ? 1 : 0));
  return m;
};

describe('where', () => {
  for (const [sc, sa, sb] of [
    [
      [2, 3],
      [2, 3],
      [2, 3],
    ],
    [[3], [2, 3], [2, 1]],
    [[2, 1], [], [2, 3]],
  ] as const) {
    it(`cond ${JSON.stringify(sc)}, a ${JSON.stringify(sa)}, b ${JSON.stringify(sb)}`, () => {
      testOp({
        op: 'where',
        inputs: [mask([...sc], 37), input(sa, { seed: 38 }), input(sb, { seed: 39 })],
        forward: (c, a, b) => where(c, a, b),
        reference: (c, a, b) => elementwise([c, a, b], (cv, av, bv) => (cv !== 0 ? av : bv)),
      });
    });
  }

  it('maskedFill is where(mask, value, x): causal masking of (T, T) scores broadcast over (B, T, T)', () => {
    const causal = fromArray([0, 1, 1, 0, 0, 1, 0, 0, 0], [3, 3]);
    testOp({
      op: 'where',
      inputs: [input([2, 3, 3], { seed: 40 })],
      forward: (x) => maskedFill(x, causal, -1e9),
      reference: (x) =>
        elementwise([x, { data: Float64Array.from(causal.data), shape: [3, 3] }], (v, m) => (m ? -1e9 : v)),
    });
  });

  it('a -Infinity fill gives exact zeros after softmax and a finite gradient', () => {
    const x = input([2, 3], { seed: 41 });
    const causal = fromArray([0, 1, 1, 0, 0, 1], [2, 3]);
    const p = softmax(maskedFill(x, causal, -Infinity));
    expect([p.data[1], p.data[2], p.data[5]]).toEqual([0, 0, 0]);
    p.mul(input([2, 3], { seed: 42, requiresGrad: false }))
      .sum()
      .backward();
    expect(Array.from(x.grad!).every(Number.isFinite)).toBe(true);
    expect([x.grad![1], x.grad![2], x.grad![5]]).toEqual([0, 0, 0]);
  });
});
