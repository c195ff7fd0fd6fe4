// Tests of the Tensor surface: creation, accessors, method sugar with numbers, and clear errors.

import { describe, expect, it } from 'vitest';
import { arange, fromArray, full, ones, rand, randn, scalar, tensor, zeros } from './creation.js';
import { Rng } from './rng.js';
import { Tensor } from './tensor.js';

describe('Tensor', () => {
  it('creates from arrays, fills and ranges', () => {
    const t = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.size).toBe(6);
    expect(t.ndim).toBe(2);
    expect(t.toArray()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(fromArray([7]).shape).toEqual([1]);
    expect(zeros([2]).toArray()).toEqual([0, 0]);
    expect(ones([2]).toArray()).toEqual([1, 1]);
    expect(full([2], 7).toArray()).toEqual([7, 7]);
    expect(arange(3).toArray()).toEqual([0, 1, 2]);
    expect(scalar(3).item()).toBe(3);
    expect(zeros([2], { requiresGrad: true }).requiresGrad).toBe(true);
  });

  it('copies input arrays and rounds to float32', () => {
    const src = [0.1];
    const t = fromArray(src);
    src[0] = 5;
    expect(t.item()).toBe(Math.fround(0.1));
  });

  it('draws randn and rand from the seeded Rng: same seed, same bits', () => {
    const a = randn([100], new Rng(7), { std: 2, mean: 1 });
    const b = randn([100], new Rng(7), { std: 2, mean: 1 });
    expect(a.data).toEqual(b.data);
    const mean = a.toArray().reduce((s, v) => s + v, 0) / 100;
    expect(Math.abs(mean - 1)).toBeLessThan(0.6);
    const u = rand([1000], new Rng(8), { low: -1, high: 3 });
    expect(Math.min(...u.data)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...u.data)).toBeLessThan(3);
  });

  it('methods accept numbers as scalars', () => {
    const t = fromArray([1, 2]);
    expect(t.add(1).toArray()).toEqual([2, 3]);
    expect(t.sub(1).toArray()).toEqual([0, 1]);
    expect(t.mul(3).toArray()).toEqual([3, 6]);
    expect(t.div(2).toArray()).toEqual([0.5, 1]);
    expect(t.mean().item()).toBe(1.5);
    expect(t.variance().item()).toBe(0.25);
    expect(t.variance(0, false, 1).item()).toBe(0.5);
  });

  it('gives clear errors', () => {
    expect(() => new Tensor(new Float32Array(3), [2, 2])).toThrow(/3 elements but shape \[2, 2\] needs 4/);
    expect(() => fromArray([1, 2, 3], [2])).toThrow(/do not fill shape \[2\]/);
    expect(() => zeros([2, -1])).toThrow(/invalid shape/);
    expect(() => fromArray([1, 2]).item()).toThrow(/single-element/);
    expect(() => fromArray([1, 2]).add(fromArray([1, 2, 3]))).toThrow(/\[2\] and \[3\] cannot be broadcast/);
  });

  it('prints shape and leading values', () => {
    expect(String(fromArray([1, 2, 3, 4, 5, 6, 7], [7]))).toBe('Tensor([7], [1, 2, 3, 4, 5, 6, …])');
  });
});
