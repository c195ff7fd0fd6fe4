// Tests of FeedForward: shapes, exact and tanh GELU against float64 references, gradient, parameter count, init, dropout.
import { describe, expect, it } from 'vitest';
import { Rng, randn, tensor } from '@tinygpt/autograd';
import type { Tensor } from '@tinygpt/autograd';
import { gradcheck } from '@tinygpt/autograd/testing';
import { FeedForward } from './feed-forward.js';
import type { FeedForwardConfig, GeluApproximation } from './feed-forward.js';

const config: FeedForwardConfig = { nEmbd: 8, dropout: 0, bias: true, nLayer: 2 };
const make = (overrides: Partial<FeedForwardConfig> = {}, seed = 1337, gelu?: GeluApproximation) =>
  new FeedForward({ ...config, ...overrides }, { rng: new Rng(seed), gelu });

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** erf by Simpson's rule on 2/sqrt(π)·∫₀ˣ e^(−t²) dt, in float64: slow, obviously right. */
function erf(x: number): number {
  const n = 2000;
  const h = x / n;
  let s = 1 + Math.exp(-x * x);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * Math.exp(-((i * h) ** 2));
  return ((2 / Math.sqrt(Math.PI)) * s * h) / 3;
}
const geluExact = (x: number) => 0.5 * x * (1 + erf(x / Math.SQRT2));
const geluTanh = (x: number) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));

/** cProj(gelu(cFc(x))) as loops in float64. */
function naiveFeedForward(ff: FeedForward, x: Tensor, gelu: (v: number) => number): number[] {
  const C = ff.nEmbd;
  const [W1, b1, W2, b2] = [
    ff.cFc.weight.toArray(),
    ff.cFc.bias!.toArray(),
    ff.cProj.weight.toArray(),
    ff.cProj.bias!.toArray(),
  ];
  const xs = x.toArray();
  const out: number[] = [];
  for (let n = 0; n < xs.length / C; n++) {
    const h = Array.from({ length: 4 * C }, (_, j) => {
      let s = b1[j]!;
      for (let c = 0; c < C; c++) s += xs[n * C + c]! * W1[j * C + c]!;
      return gelu(s);
    });
    for (let o = 0; o < C; o++) {
      let s = b2[o]!;
      for (let j = 0; j < 4 * C; j++) s += h[j]! * W2[o * 4 * C + j]!;
      out.push(s);
    }
  }
  return out;
}

/** Weights big enough that pre-activations spread over the curved part of GELU, and non-zero biases. */
function spread(ff: FeedForward, seed: number): FeedForward {
  const rng = new Rng(seed);
  for (const p of ff.parameters())
    p.data.set(randn(p.shape, rng, { std: p.ndim === 2 ? 1 / Math.sqrt(p.shape[1]!) : 0.5 }).data);
  return ff;
}

describe('FeedForward', () => {
  it('maps (B, T, C) to (B, T, C)', () => {
    expect(make().forward(randn([3, 5, 8], new Rng(1))).shape).toEqual([3, 5, 8]);
  });

  it('uses the exact (erf) GELU by default, as PyTorch nn.GELU(), and tanh on request', () => {
    // cFc picks out x, cProj reads back the one hidden unit: the output is gelu(x).
    const probe = (gelu?: GeluApproximation) => {
      const ff = new FeedForward({ nEmbd: 1, dropout: 0, bias: false, nLayer: 1 }, { rng: new Rng(1), gelu });
      ff.cFc.weight.data.set([1, 0, 0, 0]);
      ff.cProj.weight.data.set([1, 0, 0, 0]);
      return ff.forward(tensor([1, -0.5, 2.5], [1, 3, 1])).toArray();
    };
    // Python: 0.5*x*(1+math.erf(x/math.sqrt(2))), and 0.5*x*(1+math.tanh(math.sqrt(2/math.pi)*(x+0.044715*x**3)))
    const exact = [0.8413447460685429, -0.15426876936299344, 2.4844758366855597];
    const tanh = [0.8411919906082768, -0.15428599017485606, 2.484915733910001];
    expect(maxAbsDiff(probe(), exact)).toBeLessThan(1e-6);
    expect(maxAbsDiff(probe('none'), exact)).toBeLessThan(1e-6);
    expect(maxAbsDiff(probe('tanh'), tanh)).toBeLessThan(1e-6);
    expect(maxAbsDiff(exact, tanh)).toBeGreaterThan(1e-4);
  });

  it('equals a naive float64 loop of cProj(gelu(cFc(x))), for both GELUs', () => {
    const x = randn([2, 3, 8], new Rng(2));
    const exact = spread(make(), 3);
    expect(maxAbsDiff(exact.forward(x).data, naiveFeedForward(exact, x, geluExact))).toBeLessThan(1e-5);
    const approx = spread(make({}, 1337, 'tanh'), 3);
    expect(maxAbsDiff(approx.forward(x).data, naiveFeedForward(approx, x, geluTanh))).toBeLessThan(1e-5);
  });

  it('passes a gradient check through its whole forward, input and every parameter', () => {
    for (const gelu of ['none', 'tanh'] as const) {
      const ff = spread(make({ nEmbd: 3 }, 4, gelu), 5);
      const x = randn([2, 2, 3], new Rng(6), { requiresGrad: true });
      const w = randn([2, 2, 3], new Rng(7));
      gradcheck(() => ff.forward(x).mul(w).sum(), [x, ...ff.parameters()]);
    }
  });

  it('has 8·C² + 5·C parameters with bias and 8·C² without, under GPT-2 names', () => {
    const C = 8;
    expect(
      make()
        .namedParameters()
        .map(([name, p]) => [name, p.shape]),
    ).toEqual([
      ['cFc.weight', [4 * C, C]],
      ['cFc.bias', [4 * C]],
      ['cProj.weight', [C, 4 * C]],
      ['cProj.bias', [C]],
    ]);
    const count = (ff: FeedForward) => ff.parameters().reduce((n, p) => n + p.size, 0);
    expect(count(make())).toBe(8 * C * C + 5 * C);
    expect(count(make({ bias: false }))).toBe(8 * C * C);
  });

  it('initialises as GPT-2: normal(0, 0.02), cProj normal(0, 0.02/sqrt(2·nLayer)), biases zero', () => {
    const ff = make({ nEmbd: 64, nLayer: 6 });
    const std = (t: Tensor) => Math.sqrt(t.toArray().reduce((a, v) => a + v * v, 0) / t.size);
    expect(std(ff.cFc.weight) / 0.02).toBeCloseTo(1, 1);
    expect(std(ff.cProj.weight) / (0.02 / Math.sqrt(12))).toBeCloseTo(1, 1);
    expect(Math.abs(std(ff.cProj.weight) / 0.02 - 1)).toBeGreaterThan(0.5);
    expect([...ff.cFc.bias!.data, ...ff.cProj.bias!.data].every((v) => v === 0)).toBe(true);
  });

  it('applies dropout in training only', () => {
    const x = randn([2, 8, 8], new Rng(8));
    const ff = make({ dropout: 0.5 });
    expect(maxAbsDiff(ff.eval().forward(x).data, make().forward(x).data)).toBe(0);
    const y = ff.train().forward(x).toArray();
    const zeros = y.filter((v) => v === 0).length / y.length;
    expect(zeros).toBeGreaterThan(0.35);
    expect(zeros).toBeLessThan(0.65);
  });

  it('rejects bad configs and inputs with clear errors', () => {
    expect(() => make({ nEmbd: 0 })).toThrow('FeedForward: nEmbd must be a positive integer, got 0');
    expect(() => make({}, 1, 'fast' as GeluApproximation)).toThrow(
      "FeedForward: gelu must be 'none' (exact) or 'tanh', got 'fast'",
    );
    expect(() => make().forward(randn([2, 3, 4], new Rng(1)))).toThrow('FeedForward: x is (2, 3, 4) but nEmbd is 8');
    expect(() => make().forward(randn([3, 8], new Rng(1)))).toThrow(
      'FeedForward: expected x of shape (B, T, C), got (3, 8)',
    );
  });

  it('gives bit-identical parameters and outputs (dropout included) for the same seed', () => {
    const x = randn([2, 4, 8], new Rng(9));
    const run = (seed: number) => {
      const ff = make({ dropout: 0.3 }, seed).train();
      return { params: ff.parameters().map((p) => Array.from(p.data)), y: Array.from(ff.forward(x).data) };
    };
    expect(run(31)).toEqual(run(31));
    expect(run(32).params).not.toEqual(run(31).params);
  });
});
