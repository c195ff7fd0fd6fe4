// Tests of the fused layerNorm: float64 reference, equal to its composition (value and all three gradients), constant rows.

import { describe, expect, it } from 'vitest';
import { layerNorm } from './layer-norm.js';
import { full } from '../creation.js';
import { layerNormComposed } from '../functional/composed.js';
import { assertClose, input, testOp } from '../testing/index.js';
import { rows } from '../testing/naive.js';

type Ref = { data: Float64Array; shape: readonly number[] };
function naive(x: Ref, w: Ref | null, b: Ref | null, eps = 1e-5): number[] {
  return rows(x).flatMap((r) => {
    const mu = r.reduce((a, v) => a + v, 0) / r.length;
    const v = r.reduce((a, u) => a + (u - mu) ** 2, 0) / r.length;
    return r.map((u, i) => ((u - mu) / Math.sqrt(v + eps)) * (w ? w.data[i]! : 1) + (b ? b.data[i]! : 0));
  });
}

describe('layerNorm', () => {
  it('with weight and bias over (B, T, C)', () => {
    testOp({
      op: 'layerNorm',
      inputs: [input([2, 3, 6], { seed: 53 }), input([6], { seed: 54 }), input([6], { seed: 55 })],
      forward: (x, w, b) => layerNorm(x, w, b),
      reference: (x, w, b) => naive(x, w, b),
      atol: 1e-5,
    });
  });

  it('without bias (nanoGPT bias=False) and without weight', () => {
    testOp({
      op: 'layerNorm',
      inputs: [input([4, 5], { seed: 56 }), input([5], { seed: 57 })],
      forward: (x, w) => layerNorm(x, w, null),
      reference: (x, w) => naive(x, w, null),
    });
    testOp({
      op: 'layerNorm',
      inputs: [input([4, 5], { seed: 58 })],
      forward: (x) => layerNorm(x, null, null),
      reference: (x) => naive(x, null, null),
    });
  });

  it('equals its composition (x − mean)/√(var + eps)·w + b, value and gradients', () => {
    const make = () =>
      [input([3, 8], { seed: 59, low: -3, high: 5 }), input([8], { seed: 60 }), input([8], { seed: 61 })] as const;
    const [x1, w1, b1] = make();
    const [x2, w2, b2] = make();
    const y1 = layerNorm(x1, w1, b1);
    const y2 = layerNormComposed(x2, w2, b2);
    assertClose(y1.data, y2.data, { atol: 1e-5 });
    const g = input([3, 8], { seed: 62, requiresGrad: false });
    y1.mul(g).sum().backward();
    y2.mul(g).sum().backward();
    assertClose(x1.grad!, x2.grad!, { atol: 1e-4, message: 'dx' });
    assertClose(w1.grad!, w2.grad!, { atol: 1e-5, message: 'dweight' });
    assertClose(b1.grad!, b2.grad!, { atol: 1e-5, message: 'dbias' });
  });

  it('a constant row gives bias exactly, with finite gradients (eps keeps 1/σ finite)', () => {
    const x = full([2, 4], 3.5, { requiresGrad: true });
    const w = full([4], 2, { requiresGrad: true });
    const b = full([4], 0.25, { requiresGrad: true });
    const y = layerNorm(x, w, b);
    expect(Array.from(y.data)).toEqual(new Array(8).fill(0.25));
    y.sum().backward();
    for (const t of [x, w, b]) expect(Array.from(t.grad!).every(Number.isFinite)).toBe(true);
  });

  it('rejects a weight of the wrong size', () => {
    expect(() => layerNorm(input([2, 4]), input([3]), null)).toThrow(/weight has shape \[3\], expected \[4\]/);
  });
});
