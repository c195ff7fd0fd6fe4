// Tests of tanh: forward against Math, gradient by finite differences.

import { describe, it } from 'vitest';
import { tanh } from './tanh.js';
import { input, testOp } from '../testing/index.js';

describe('tanh', () => {
  for (const shape of [[5], [2, 3, 4], []]) {
    it(`shape ${JSON.stringify(shape)}`, () => {
      testOp({
        op: 'tanh',
        inputs: [input(shape, { seed: 3, low: -3, high: 3 })],
        forward: (x) => tanh(x),
        reference: (x) => x.data.map((v) => Math.tanh(v)),
        shape,
      });
    });
  }
});
