// Tests of pow by a constant: several exponents, forward against Math.pow, gradient by finite differences.

import { describe, it } from 'vitest';
import { pow } from './pow.js';
import { input, testOp } from '../testing/index.js';

describe('pow', () => {
  for (const p of [2, 3, 0.5, -1, -1.5, 1, 0]) {
    it(`x^${p}`, () => {
      testOp({
        op: 'pow',
        inputs: [input([2, 5], { seed: 5, low: 0.3, high: 2 })],
        forward: (x) => pow(x, p),
        reference: (x) => x.data.map((v) => Math.pow(v, p)),
      });
    });
  }

  it('integer powers of negative numbers', () => {
    testOp({
      op: 'pow',
      inputs: [input([6], { seed: 6, low: -2, high: -0.3 })],
      forward: (x) => pow(x, 3),
      reference: (x) => x.data.map((v) => v * v * v),
    });
  });
});
