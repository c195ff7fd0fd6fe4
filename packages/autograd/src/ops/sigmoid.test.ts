// Tests of sigmoid: forward against Math, gradient by finite differences.

import { describe, it } from 'vitest';
import { sigmoid } from './sigmoid.js';
import { input, testOp } from '../testing/index.js';

describe('sigmoid', () => {
  for (const shape of [[5], [2, 3, 4], []]) {
    it(`shape ${JSON.stringify(shape)}`, () => {
      testOp({
        op: 'sigmoid',
        inputs: [input(shape, { seed: 3, low: -6, high: 6 })],
        forward: (x) => sigmoid(x),
        reference: (x) => x.data.map((v) => 1 / (1 + Math.exp(-v))),
        shape,
      });
    });
  }
});
