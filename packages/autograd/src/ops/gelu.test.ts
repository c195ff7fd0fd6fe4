// Tests of gelu: both forms against float64 references, gradients by finite differences, the tanh form against its composition.

import { describe, expect, it } from 'vitest';
import { gelu } from './gelu.js';
import { geluTanhComposed } from '../functional/composed.js';
import { assertClose, input, testOp } from '../testing/index.js';
import { erf } from '../testing/naive.js';

const exact = (v: number) => 0.5 * v * (1 + erf(v / Math.SQRT2));
const approx = (v: number) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));

describe('gelu', () => {
  it("exact erf form ('none', PyTorch's default)", () => {
    testOp({
      op: 'gelu',
      inputs: [input([4, 6], { seed: 7, low: -4, high: 4 })],
      forward: (x) => gelu(x),
      reference: (x) => x.data.map(exact),
      atol: 1e-6,
    });
  });

  it("tanh approximation ('tanh', GPT-2)", () => {
    testOp({
      op: 'gelu',
      inputs: [input([4, 6], { seed: 8, low: -4, high: 4 })],
      forward: (x) => gelu(x, 'tanh'),
      reference: (x) => x.data.map(approx),
      atol: 1e-6,
    });
  });

  it('matches published values: gelu(1) = 0.8413447, gelu(-1) = -0.1586553', () => {
    const x = input([2], { requiresGrad: false });
    x.data.set([1, -1]);
    assertClose(gelu(x).data, [0.8413447460685429, -0.15865525393145707], { atol: 2e-7 });
  });

  it('the fused tanh form equals its composition from primitives, value and gradient', () => {
    const x1 = input([3, 5], { seed: 9, low: -5, high: 5 });
    const x2 = input([3, 5], { seed: 9, low: -5, high: 5 });
    const y1 = gelu(x1, 'tanh');
    const y2 = geluTanhComposed(x2);
    assertClose(y1.data, y2.data, { atol: 1e-6 });
    y1.sum().backward();
    y2.sum().backward();
    assertClose(x1.grad!, x2.grad!, { atol: 1e-6 });
  });

  it('rejects an unknown approximation', () => {
    // @ts-expect-error an invalid mode, as plain JavaScript could pass
    expect(() => gelu(input([2]), 'fast')).toThrow(/approximate/);
  });
});
