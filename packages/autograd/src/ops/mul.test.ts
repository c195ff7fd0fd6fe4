// Tests of mul: forward against a naive broadcasting loop, gradients of both inputs by finite differences.

import { describe, it } from 'vitest';
import { mul } from './mul.js';
import { input, testOp } from '../testing/index.js';
import { elementwise } from '../testing/naive.js';

const cases: [string, number[], number[]][] = [
  ['same shape', [2, 3], [2, 3]],
  ['scalar right', [2, 3], []],
  ['scalar left', [], [2, 3]],
  ['row-vector bias', [2, 3, 4], [4]],
  ['column broadcast', [3, 1], [1, 4]],
  ['middle axis', [2, 1, 3], [2, 4, 1]],
];

describe('mul', () => {
  for (const [label, sa, sb] of cases) {
    it(`${label}: ${JSON.stringify(sa)} * ${JSON.stringify(sb)}`, () => {
      testOp({
        op: 'mul',
        inputs: [input(sa, { seed: 1 }), input(sb, { seed: 2 })],
        forward: (a, b) => mul(a, b),
        reference: (a, b) => elementwise([a, b], (x, y) => x * y),
      });
    });
  }
});
