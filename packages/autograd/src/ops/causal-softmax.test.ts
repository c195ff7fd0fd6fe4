// Tests of the fused scale + causal mask + softmax: against a float64 reference, gradient-checked, equal to its composition.

import { describe, expect, it } from 'vitest';
import { causalSoftmax } from './causal-softmax.js';
import { tensor } from '../creation.js';
import { softmax } from '../functional/softmax.js';
import { maskedFill } from '../functional/layers.js';
import { input, testOp } from '../testing/index.js';
import type { RefInput } from '../testing/index.js';

/** Row by row from the definition, in float64: query i of T sees keys 0..Tk − T + i. */
function naive(scale: number) {
  return (x: RefInput): number[] => {
    const T = x.shape[x.shape.length - 2]!;
    const Tk = x.shape[x.shape.length - 1]!;
    const out: number[] = [];
    for (let r = 0; r < x.data.length / Tk; r++) {
      const seen = Tk - T + (r % T) + 1;
      const s = Array.from(x.data.subarray(r * Tk, r * Tk + seen), (v) => v * scale);
      const m = Math.max(...s);
      const e = s.map((v) => Math.exp(v - m));
      const total = e.reduce((a, b) => a + b, 0);
      out.push(...e.map((v) => v / total), ...new Array<number>(Tk - seen).fill(0));
    }
    return out;
  };
}

/** The composition it replaces: x·scale, future keys set to −∞, softmax over the last axis. */
function composed(x: ReturnType<typeof input>, scale: number) {
  const T = x.shape[x.ndim - 2]!;
  const Tk = x.shape[x.ndim - 1]!;
  const mask = new Float32Array(T * Tk);
  for (let i = 0; i < T; i++) mask.fill(1, i * Tk + Tk - T + i + 1, (i + 1) * Tk);
  return softmax(maskedFill(x.mul(scale), tensor(mask, [T, Tk]), -Infinity), -1);
}

describe('causalSoftmax', () => {
  for (const [shape, scale] of [
    [[4, 4], 0.5],
    [[2, 3, 5, 5], 1 / Math.sqrt(8)],
    [[2, 2, 6], 2], // two queries after four cached keys
    [[3, 1, 5], 0.7], // one query sees every key
  ] as const) {
    it(`scores ${JSON.stringify(shape)} at scale ${scale.toFixed(3)}`, () => {
      testOp({
        op: 'causalSoftmax',
        inputs: [input(shape, { seed: 7 })],
        forward: (x) => causalSoftmax(x, scale),
        reference: naive(scale),
        shape,
      });
    });
  }

  it('equals the composed scale, mask and softmax: value and gradient', () => {
    for (const shape of [
      [2, 3, 7, 7],
      [2, 3, 9],
    ]) {
      const a = input(shape, { seed: 11 });
      const b = input(shape, { seed: 11 });
      const ya = causalSoftmax(a, 0.35);
      const yb = composed(b, 0.35);
      // On the CPU backend the same bits: the fused kernel rounds where the composed ops do.
      expect(Array.from(ya.data)).toEqual(Array.from(yb.data));
      const w = input(shape, { seed: 12, requiresGrad: false });
      ya.mul(w).sum().backward();
      yb.mul(w).sum().backward();
      expect(Array.from(a.grad!)).toEqual(Array.from(b.grad!));
    }
  });

  it('gives future keys weight exactly 0 and stays finite for huge scores', () => {
    // Row 1 sees 1e30 and −1e30 only: all its weight on key 0, none on the future 1e30.
    const x = tensor([1e30, 1e30, 1e30, 1e30, -1e30, 1e30, 3, 4, 5], [3, 3]);
    const y = Array.from(causalSoftmax(x, 1).data);
    expect(y.slice(0, 6)).toEqual([1, 0, 0, 1, 0, 0]);
    expect(y.every(Number.isFinite)).toBe(true);
  });

  it('rejects fewer keys than queries, a 1-D input and a non-finite scale', () => {
    expect(() => causalSoftmax(input([3, 2]), 1)).toThrow(/at least as many keys/);
    expect(() => causalSoftmax(input([3]), 1)).toThrow(/needs \(…, T, Tk\)/);
    expect(() => causalSoftmax(input([2, 2]), Number.NaN)).toThrow(/scale must be finite/);
  });
});
