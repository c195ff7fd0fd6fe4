// Tests of exp: forward against Math, gradient by finite differences.

import { describe, it } from 'vitest';
import { exp } from './exp.js';
import { input, testOp } from '../testing/index.js';

describe('exp', () => {
  for (const shape of [[5], [2, 3, 4], []]) {
    it(`shape ${JSON.stringify(shape)}`, () => {
      testOp({
        op: 'exp',
        inputs: [input(shape, { seed: 3 })],
        forward: (x) => exp(x),
        reference: (x) => x.data.map((v) => Math.exp(v)),
        shape,
      });
    });
  }
});
