// Tests of neg: forward against Math, gradient by finite differences.

import { describe, it } from 'vitest';
import { neg } from './neg.js';
import { input, testOp } from '../testing/index.js';

describe('neg', () => {
  for (const shape of [[5], [2, 3, 4], []]) {
    it(`shape ${JSON.stringify(shape)}`, () => {
      testOp({
        op: 'neg',
        inputs: [input(shape, { seed: 3 })],
        forward: (x) => neg(x),
        reference: (x) => x.data.map((v) => -v),
        shape,
      });
    });
  }
});
