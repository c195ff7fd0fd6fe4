// Tests of relu: forward against max(x, 0), gradient by finite differences away from the kink at 0.

import { describe, expect, it } from 'vitest';
import { relu } from './relu.js';
import { fromArray } from '../creation.js';
import { input, testOp } from '../testing/index.js';

/** Values at least 0.1 away from 0, so a finite-difference step never crosses the kink. */
function awayFromZero(shape: number[], seed: number) {
  const x = input(shape, { seed, low: -2, high: 2 });
  x.data.forEach((v, i) => (x.data[i] = v >= 0 ? v + 0.1 : v - 0.1));
  return x;
}

describe('relu', () => {
  for (const shape of [[7], [3, 4]]) {
    it(`shape ${JSON.stringify(shape)}`, () => {
      testOp({
        op: 'relu',
        inputs: [awayFromZero(shape, 4)],
        forward: (x) => relu(x),
        reference: (x) => x.data.map((v) => Math.max(v, 0)),
      });
    });
  }

  it('passes no gradient at exactly 0 (the subgradient PyTorch uses)', () => {
    const x = fromArray([0, -1, 2], [3], { requiresGrad: true });
    relu(x).sum().backward();
    expect(Array.from(x.grad!)).toEqual([0, 0, 1]);
  });
});
