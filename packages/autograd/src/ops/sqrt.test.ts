// Tests of sqrt: forward against Math, gradient by finite differences.

import { describe, it } from 'vitest';
import { sqrt } from './sqrt.js';
import { input, testOp } from '../testing/index.js';

describe('sqrt', () => {
  for (const shape of [[5], [2, 3, 4], []]) {
    it(`shape ${JSON.stringify(shape)}`, () => {
      testOp({
        op: 'sqrt',
        inputs: [input(shape, { seed: 3, low: 0.2, high: 3 })],
        forward: (x) => sqrt(x),
        reference: (x) => x.data.map((v) => Math.sqrt(v)),
        shape,
      });
    });
  }
});
