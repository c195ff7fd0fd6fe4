// Tests of gelu: both forms against float64 references, gradients by finite differences, the tanh form against its composition,
// and the path of a backend that writes f′(x) with f(x).

import { afterEach, describe, expect, it } from 'vitest';
import { gelu } from './gelu.js';
import { getBackend, setBackend } from '../backend/active.js';
import type { Backend } from '../backend/backend.js';
import { cpuBackend } from '../backend/cpu/index.js';
import { geluTanhComposed } from '../functional/composed.js';
import { noGrad } from '../graph.js';
import { add, sum } from '../tensor-ops.js';
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

describe('gelu on a backend that writes f′(x) with f(x)', () => {
  /** The CPU backend with `unaryWithDerivative` (f′ as unaryBackward's factor), counting its calls and live buffers. */
  function derivativeBackend(): { backend: Backend; calls: () => number; live: () => number } {
    let calls = 0,
      live = 0;
    const backend: Backend = {
      ...cpuBackend,
      alloc: (size, zeroed) => (live++, cpuBackend.alloc(size, zeroed)),
      free: (buffer) => (live--, cpuBackend.free(buffer)),
      unaryWithDerivative: (op, x, out, derivative) => {
        calls++;
        cpuBackend.unary(op, x, out);
        cpuBackend.unaryBackward(op, x, out, new Float32Array(x.length).fill(1), derivative, false);
      },
    };
    return { backend, calls: () => calls, live: () => live };
  }
  const before = getBackend();
  afterEach(() => setBackend(before));

  it.each(['none', 'tanh'] as const)('approximate %s: gradients by finite differences, dx = g·f′(x)', (approximate) => {
    const { backend, calls } = derivativeBackend();
    setBackend(backend);
    const f = approximate === 'none' ? exact : approx;
    testOp({
      op: 'gelu',
      inputs: [input([4, 6], { seed: 10, low: -4, high: 4 })],
      forward: (x) => gelu(x, approximate),
      reference: (x) => x.data.map(f),
      atol: 1e-6,
    });
    expect(calls()).toBeGreaterThan(0);
  });

  it('adds into a gradient already there, and frees f′(x) with the node', () => {
    const { backend, live } = derivativeBackend();
    setBackend(backend);
    const x = input([3, 5], { seed: 11, low: -3, high: 3 });
    const atStart = live();
    const loss = sum(add(gelu(x), x)); // x's gradient: 1 from the sum, then g·f′(x) added
    expect(live() - atStart).toBe(4); // gelu's output and f′(x), the sum's input, the loss
    loss.backward();
    const fPrime = x.data.map((v) => (exact(v + 1e-3) - exact(v - 1e-3)) / 2e-3);
    assertClose(
      x.grad!,
      fPrime.map((d) => 1 + d),
      { atol: 1e-4 },
    );
    expect(live() - atStart).toBe(2); // the loss and x.grad: f′(x) went back with gelu's node
  });

  it('without a graph to record (noGrad, or an input that needs no gradient) computes f alone', () => {
    const { backend, calls } = derivativeBackend();
    setBackend(backend);
    const x = input([8], { seed: 12 });
    const y1 = noGrad(() => gelu(x));
    const y2 = gelu(input([8], { seed: 12, requiresGrad: false }));
    expect(calls()).toBe(0);
    assertClose(y1.data, x.data.map(exact), { atol: 1e-6 });
    assertClose(y2.data, y1.data, { atol: 0 });
  });
});
