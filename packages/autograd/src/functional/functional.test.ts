// Tests of the composites: mean, variance, mseLoss, linear, dropout (seeded, inverted, identity when off).

import { describe, expect, it } from 'vitest';
import { mean, variance } from './reduce.js';
import { mseLoss } from './losses.js';
import { dropout, linear } from './layers.js';
import { fromArray, ones } from '../creation.js';
import { Rng } from '../rng.js';
import { assertClose, gradcheck, input } from '../testing/index.js';

describe('mean and variance', () => {
  it('match plain arithmetic over axes', () => {
    const x = fromArray([1, 2, 3, 4, 5, 9], [2, 3]);
    expect(mean(x).item()).toBe(4);
    expect(mean(x, 1).toArray()).toEqual([2, 6]);
    expect(mean(x, 0, true).shape).toEqual([1, 3]);
    assertClose(variance(x, 1).data, [2 / 3, 14 / 3]);
    assertClose(variance(x, 1, false, 1).data, [1, 7]);
  });

  it('have correct gradients', () => {
    gradcheck((x) => mean(x, [0, 2]), [input([2, 3, 4])]);
    gradcheck((x) => variance(x, -1, true, 1), [input([3, 5])]);
  });
});

describe('mseLoss', () => {
  it('is the mean (or sum) of squared errors with the right gradient', () => {
    const pred = fromArray([1, 2, 3]);
    const target = fromArray([1, 0, 0]);
    expect(mseLoss(pred, target).item()).toBeCloseTo(13 / 3, 6);
    expect(mseLoss(pred, target, { reduction: 'sum' }).item()).toBe(13);
    gradcheck((p, t) => mseLoss(p, t), [input([4, 2], { seed: 1 }), input([4, 2], { seed: 2 })]);
    expect(() => mseLoss(pred, fromArray([1, 2]))).toThrow(/differ in shape/);
  });
});

describe('linear', () => {
  it('is x·Wᵀ + b for 1-D, 2-D and 3-D inputs, with gradients', () => {
    const w = fromArray([1, 2, 3, 4, 5, 6], [2, 3]);
    const b = fromArray([1, -1]);
    expect(linear(fromArray([1, 0, 1]), w, b).toArray()).toEqual([5, 9]);
    expect(linear(fromArray([1, 0, 1, 0, 1, 0], [2, 3]), w).toArray()).toEqual([4, 10, 2, 5]);
    expect(linear(ones([2, 2, 3]), w, b).shape).toEqual([2, 2, 2]);
    gradcheck(
      (x, ww, bb) => linear(x, ww, bb),
      [input([2, 3, 4], { seed: 3 }), input([5, 4], { seed: 4 }), input([5], { seed: 5 })],
    );
  });

  it('names the mismatch', () => {
    expect(() => linear(ones([2, 4]), ones([2, 3]))).toThrow(/does not end in in_features 3/);
    expect(() => linear(ones([2, 3]), ones([2, 3]), ones([3]))).toThrow(/bias \[3\] does not match out_features 2/);
  });
});

describe('dropout', () => {
  it('zeroes about p of the elements and scales the rest by 1/(1 − p)', () => {
    const y = dropout(ones([10000]), 0.25, new Rng(0), true);
    const zeros = y.toArray().filter((v) => v === 0).length;
    expect(Math.abs(zeros / 10000 - 0.25)).toBeLessThan(0.02);
    expect(y.toArray().every((v) => v === 0 || v === Math.fround(1 / 0.75))).toBe(true);
  });

  it('same seed ⇒ same mask; the gradient goes through the kept elements only', () => {
    const a = dropout(ones([50]), 0.5, new Rng(3), true).toArray();
    expect(dropout(ones([50]), 0.5, new Rng(3), true).toArray()).toEqual(a);
    const x = input([50]);
    dropout(x, 0.5, new Rng(3), true).sum().backward();
    expect(Array.from(x.grad!)).toEqual(a);
  });

  it('is the identity when not training or p = 0; p = 1 drops everything', () => {
    const x = ones([4]);
    expect(dropout(x, 0.5, new Rng(0), false)).toBe(x);
    expect(dropout(x, 0, new Rng(0), true)).toBe(x);
    expect(dropout(x, 1, new Rng(0), true).toArray()).toEqual([0, 0, 0, 0]);
    expect(() => dropout(x, -0.1, new Rng(0), true)).toThrow(RangeError);
  });
});
