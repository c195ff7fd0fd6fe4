// Tests of log: forward against Math, gradient by finite differences.

import { describe, it } from 'vitest';
import { log } from './log.js';
import { input, testOp } from '../testing/index.js';

describe('log', () => {
  for (const shape of [[5], [2, 3, 4], []]) {
    it(`shape ${JSON.stringify(shape)}`, () => {
      testOp({
        op: 'log',
        inputs: [input(shape, { seed: 3, low: 0.2, high: 3 })],
        forward: (x) => log(x),
        reference: (x) => x.data.map((v) => Math.log(v)),
        shape,
      });
    });
  }
});
