// Tests of CausalSelfAttention: shapes, a naive-loop reference, the 1/sqrt(headSize) scale, causality, gradient, init, dropout.
import { describe, expect, it } from 'vitest';
import { Rng, randn, tensor } from '@tinygpt/autograd';
import type { Tensor } from '@tinygpt/autograd';
import { gradcheck } from '@tinygpt/autograd/testing';
import { CausalSelfAttention } from './causal-self-attention.js';
import type { AttentionConfig } from './causal-self-attention.js';

const config: AttentionConfig = { nEmbd: 8, nHead: 2, blockSize: 8, dropout: 0, bias: true, nLayer: 2 };

function make(overrides: Partial<AttentionConfig> = {}, seed = 1337): CausalSelfAttention {
  return new CausalSelfAttention({ ...config, ...overrides }, { rng: new Rng(seed) });
}

/** Gives the biases random values too (they start at zero), so the reference checks them. */
function randomizeBiases(attn: CausalSelfAttention, rng: Rng): void {
  for (const b of [attn.cAttn.bias!, attn.cProj.bias!]) b.data.set(randn(b.shape, rng, { std: 0.1 }).data);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Attention written as plain loops in float64, straight from the formula: the reference. */
function naiveAttention(attn: CausalSelfAttention, x: Tensor): { y: number[]; att: number[] } {
  const [B, T, C] = x.shape as [number, number, number];
  const nh = attn.nHead;
  const hs = C / nh;
  const [Wa, ba, Wp, bp] = [
    attn.cAttn.weight.toArray(),
    attn.cAttn.bias!.toArray(),
    attn.cProj.weight.toArray(),
    attn.cProj.bias!.toArray(),
  ];
  const xs = x.toArray();
  const qkv = (b: number, t: number, j: number) => {
    let s = ba[j]!;
    for (let c = 0; c < C; c++) s += xs[(b * T + t) * C + c]! * Wa[j * C + c]!;
    return s;
  };
  const att = new Array<number>(B * nh * T * T).fill(0);
  const heads = new Array<number>(B * T * C).fill(0);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < nh; h++) {
      for (let i = 0; i < T; i++) {
        const scores: number[] = [];
        for (let j = 0; j <= i; j++) {
          let dot = 0;
          for (let d = 0; d < hs; d++) dot += qkv(b, i, h * hs + d) * qkv(b, j, C + h * hs + d);
          scores.push(dot / Math.sqrt(hs));
        }
        const max = Math.max(...scores);
        const exps = scores.map((s) => Math.exp(s - max));
        const total = exps.reduce((a, e) => a + e, 0);
        exps.forEach((e, j) => (att[((b * nh + h) * T + i) * T + j] = e / total));
        for (let d = 0; d < hs; d++) {
          let s = 0;
          for (let j = 0; j <= i; j++) s += att[((b * nh + h) * T + i) * T + j]! * qkv(b, j, 2 * C + h * hs + d);
          heads[(b * T + i) * C + h * hs + d] = s;
        }
      }
    }
  }
  const y: number[] = [];
  for (let n = 0; n < B * T; n++) {
    for (let o = 0; o < C; o++) {
      let s = bp[o]!;
      for (let c = 0; c < C; c++) s += heads[n * C + c]! * Wp[o * C + c]!;
      y.push(s);
    }
  }
  return { y, att };
}

describe('CausalSelfAttention', () => {
  it('maps (B, T, C) to (B, T, C) and can return the weights of every head, (B, nHead, T, T)', () => {
    const attn = make();
    const x = randn([3, 5, 8], new Rng(1));
    expect(attn.forward(x).shape).toEqual([3, 5, 8]);
    expect(attn.lastAttention).toBeNull();
    attn.forward(x, { returnAttention: true });
    expect(attn.lastAttention?.shape).toEqual([3, 2, 5, 5]);
    expect(attn.lastAttention?.requiresGrad).toBe(false);
  });

  it('equals a naive loop implementation of the formula', () => {
    const attn = make({ nEmbd: 12, nHead: 3 }, 7);
    randomizeBiases(attn, new Rng(8));
    const x = randn([2, 6, 12], new Rng(9));
    const out = attn.forward(x, { returnAttention: true });
    const ref = naiveAttention(attn, x);
    expect(maxAbsDiff(out.data, ref.y)).toBeLessThan(1e-6);
    expect(maxAbsDiff(attn.lastAttention!.data, ref.att)).toBeLessThan(1e-6);
  });

  it('scales scores by 1/sqrt(headSize), not 1/headSize or sqrt(headSize)', () => {
    // One head of size 4 whose projections are the identity, so q = k = v = x.
    const attn = make({ nEmbd: 4, nHead: 1, bias: false });
    const identity = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
    attn.cAttn.weight.data.set([...identity, ...identity, ...identity]);
    attn.forward(tensor([0.5, 0.5, 0.5, 0.5, 1, 1, 1, 1], [1, 2, 4]), { returnAttention: true });
    // q1·k0 = 2, q1·k1 = 4: softmax([2, 4]·scale) over the two positions.
    const weights = (scale: number) => [1 / (1 + Math.exp(2 * scale)), 1 / (1 + Math.exp(-2 * scale))];
    const row1 = attn.lastAttention!.toArray().slice(2);
    expect(maxAbsDiff(row1, weights(1 / 2))).toBeLessThan(1e-6); // 1/sqrt(4)
    expect(maxAbsDiff(row1, weights(1 / 4))).toBeGreaterThan(0.1); // 1/headSize would give this
    expect(maxAbsDiff(row1, weights(2))).toBeGreaterThan(0.1); // sqrt(headSize) would give this
    expect(attn.lastAttention!.toArray().slice(0, 2)).toEqual([1, 0]);
  });

  it('gives masked (future) positions weight exactly 0, and every row sums to 1', () => {
    const attn = make();
    attn.forward(randn([2, 7, 8], new Rng(2), { std: 3 }), { returnAttention: true });
    const att = attn.lastAttention!.toArray();
    for (let row = 0; row < 2 * 2 * 7; row++) {
      const i = row % 7;
      const weights = att.slice(row * 7, row * 7 + 7);
      weights.slice(i + 1).forEach((w) => expect(w).toBe(0));
      weights.slice(0, i + 1).forEach((w) => expect(w).toBeGreaterThan(0));
      expect(weights.reduce((a, w) => a + w, 0)).toBeCloseTo(1, 6);
    }
  });

  it('is causal: changing the input at t+1 never changes the output at t or before', () => {
    const attn = make();
    const x = randn([2, 6, 8], new Rng(3));
    const y = attn.forward(x).toArray();
    for (let t = 0; t + 1 < 6; t++) {
      const changed = tensor(x.toArray(), x.shape);
      for (let b = 0; b < 2; b++) for (let c = 0; c < 8; c++) changed.data[(b * 6 + t + 1) * 8 + c]! += 1;
      const y2 = attn.forward(changed).toArray();
      for (let b = 0; b < 2; b++) {
        const upTo = (v: number[]) => v.slice(b * 48, b * 48 + (t + 1) * 8);
        expect(maxAbsDiff(upTo(y2), upTo(y))).toBe(0);
        expect(
          maxAbsDiff(
            y2.slice(b * 48 + (t + 1) * 8, b * 48 + (t + 2) * 8),
            y.slice(b * 48 + (t + 1) * 8, b * 48 + (t + 2) * 8),
          ),
        ).toBeGreaterThan(1e-4);
      }
    }
  });

  it('passes a gradient check through its whole forward, input and every parameter', () => {
    const attn = make({ nEmbd: 4, nHead: 2, blockSize: 3 }, 5);
    randomizeBiases(attn, new Rng(6));
    for (const p of [attn.cAttn.weight, attn.cProj.weight])
      p.data.set(randn(p.shape, new Rng(p.size), { std: 0.5 }).data);
    const x = randn([2, 3, 4], new Rng(7), { requiresGrad: true });
    const w = randn([2, 3, 4], new Rng(8));
    gradcheck(() => attn.forward(x).mul(w).sum(), [x, ...attn.parameters()]);
  });

  it('has 4·C² + 4·C parameters with bias and 4·C² without, under GPT-2 names', () => {
    const C = 8;
    const named = make()
      .namedParameters()
      .map(([name, p]) => [name, p.shape]);
    expect(named).toEqual([
      ['cAttn.weight', [3 * C, C]],
      ['cAttn.bias', [3 * C]],
      ['cProj.weight', [C, C]],
      ['cProj.bias', [C]],
    ]);
    const count = (a: CausalSelfAttention) => a.parameters().reduce((n, p) => n + p.size, 0);
    expect(count(make())).toBe(4 * C * C + 4 * C);
    expect(count(make({ bias: false }))).toBe(4 * C * C);
  });

  it('initialises as GPT-2: normal(0, 0.02), cProj normal(0, 0.02/sqrt(2·nLayer)), biases zero', () => {
    const attn = make({ nEmbd: 64, nHead: 4, nLayer: 6 });
    const std = (t: Tensor) => Math.sqrt(t.toArray().reduce((a, v) => a + v * v, 0) / t.size);
    expect(std(attn.cAttn.weight) / 0.02).toBeCloseTo(1, 1);
    expect(std(attn.cProj.weight) / (0.02 / Math.sqrt(12))).toBeCloseTo(1, 1);
    expect(Math.abs(std(attn.cProj.weight) / 0.02 - 1)).toBeGreaterThan(0.5);
    expect(attn.cAttn.bias!.toArray().every((v) => v === 0)).toBe(true);
    expect(attn.cProj.bias!.toArray().every((v) => v === 0)).toBe(true);
  });

  it('applies dropout in training only: residual dropout zeroes outputs, eval matches dropout 0', () => {
    const x = randn([2, 8, 8], new Rng(4));
    const noDropout = make({ dropout: 0 }).forward(x).toArray();
    const attn = make({ dropout: 0.5 });
    expect(maxAbsDiff(attn.eval().forward(x).data, noDropout)).toBe(0);
    const trained = attn.train().forward(x, { returnAttention: true }).toArray();
    const zeros = trained.filter((v) => v === 0).length / trained.length;
    expect(zeros).toBeGreaterThan(0.35);
    expect(zeros).toBeLessThan(0.65);
    // The returned weights are the softmax before attention dropout: rows still sum to 1.
    const att = attn.lastAttention!.toArray();
    expect(att.slice(7 * 8, 8 * 8).reduce((a, w) => a + w, 0)).toBeCloseTo(1, 6);
  });

  it('rejects nEmbd not divisible by nHead, other bad configs, and bad inputs, with clear errors', () => {
    expect(() => make({ nEmbd: 10, nHead: 4 })).toThrow('CausalSelfAttention: nEmbd 10 is not divisible by nHead 4');
    expect(() => make({ nHead: 0 })).toThrow('CausalSelfAttention: nHead must be a positive integer, got 0');
    const attn = make();
    expect(() => attn.forward(randn([1, 9, 8], new Rng(1)))).toThrow(
      'CausalSelfAttention: 9 new positions exceed blockSize 8; crop the context',
    );
    expect(() => attn.forward(randn([1, 2, 6], new Rng(1)))).toThrow('expected x of shape (B, T, 8), got (1, 2, 6)');
  });

  it('gives bit-identical parameters and outputs (dropout included) for the same seed', () => {
    const x = randn([2, 5, 8], new Rng(10));
    const run = (seed: number) => {
      const attn = make({ dropout: 0.2 }, seed).train();
      return { params: attn.parameters().map((p) => Array.from(p.data)), y: Array.from(attn.forward(x).data) };
    };
    expect(run(21)).toEqual(run(21));
    expect(run(22).params).not.toEqual(run(21).params);
  });
});
