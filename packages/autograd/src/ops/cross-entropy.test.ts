// Tests of the fused softmax cross-entropy: float64 reference, equal to logSoftmax + gather, ignore index, bad targets.

import { describe, expect, it } from 'vitest';
import { crossEntropy } from './cross-entropy.js';
import { fromArray } from '../creation.js';
import { crossEntropyComposed } from '../functional/losses.js';
import { assertClose, input, testOp } from '../testing/index.js';
import { rows } from '../testing/naive.js';

function naive(x: { data: Float64Array; shape: readonly number[] }, targets: Int32Array, ignore = -100): number[] {
  let sum = 0;
  let count = 0;
  rows(x).forEach((r, i) => {
    if (targets[i] === ignore) return;
    const m = Math.max(...r);
    sum += m + Math.log(r.reduce((a, v) => a + Math.exp(v - m), 0)) - r[targets[i]!]!;
    count++;
  });
  return [sum / count];
}

describe('crossEntropy', () => {
  it('(N, V) logits with integer targets, mean over rows', () => {
    const targets = Int32Array.from([3, 0, 4, 1]);
    testOp({
      op: 'crossEntropy',
      inputs: [input([4, 5], { seed: 50 })],
      forward: (z) => crossEntropy(z, targets),
      reference: (z) => naive(z, targets),
      shape: [],
    });
  });

  it('(B, T, V) logits flatten to B·T rows; ignored rows leave loss and mean', () => {
    const targets = Int32Array.from([1, -1, 2, 0, -1, 2]);
    testOp({
      op: 'crossEntropy',
      inputs: [input([2, 3, 3], { seed: 51 })],
      forward: (z) => crossEntropy(z, targets, { ignoreIndex: -1 }),
      reference: (z) => naive(z, targets, -1),
    });
  });

  it('equals the composition −mean(gather(logSoftmax(z), targets)), value and gradient', () => {
    for (const ignoreIndex of [-100, 2]) {
      const targets = Int32Array.from([2, 0, 1, 2, 4, 3]);
      const a = input([6, 5], { seed: 52, low: -8, high: 8 });
      const b = input([6, 5], { seed: 52, low: -8, high: 8 });
      const la = crossEntropy(a, targets, { ignoreIndex });
      const lb = crossEntropyComposed(b, targets, { ignoreIndex });
      assertClose([la.item()], [lb.item()], { atol: 1e-6 });
      la.backward();
      lb.backward();
      assertClose(a.grad!, b.grad!, { atol: 1e-7 });
    }
  });

  it('uniform logits give ln V; huge logits stay finite', () => {
    expect(crossEntropy(fromArray(new Array(65).fill(0), [1, 65]), Int32Array.from([7])).item()).toBeCloseTo(
      Math.log(65),
      6,
    );
    const loss = crossEntropy(fromArray([1000, 1000, -1000], [1, 3]), Int32Array.from([2]));
    expect(loss.item()).toBeCloseTo(2000 + Math.LN2, 2);
  });

  it('rejects a target out of range and a wrong number of targets', () => {
    expect(() => crossEntropy(input([2, 3]), Int32Array.from([0, 3]))).toThrow(/target 3 at row 1 is outside \[0, 3\)/);
    expect(() => crossEntropy(input([2, 3]), Int32Array.from([0]))).toThrow(/1 targets/);
  });
});
