// Tests of Module: parameter discovery and naming, tied weights, train/eval, state dicts with clear errors.

import { describe, expect, it } from 'vitest';
import { Module } from './module.js';
import { Linear } from './linear.js';
import { LayerNorm } from './layer-norm.js';
import { Dropout } from './dropout.js';
import { fromArray, zeros } from '../creation.js';
import { Rng } from '../rng.js';
import type { Tensor } from '../tensor.js';

class Block extends Module {
  ln1 = new LayerNorm(4);
  attn: Linear;
  drop: Dropout;
  constructor(rng: Rng) {
    super();
    this.attn = new Linear(4, 4, { rng, bias: false });
    this.drop = new Dropout(0.5, rng);
  }
}

class Tiny extends Module {
  wte: Tensor;
  h: Block[];
  lnF = new LayerNorm(4, { bias: false });
  lmHead: Linear;
  buffer = zeros([3]); // no requiresGrad: not a parameter
  constructor(seed = 0) {
    super();
    const rng = new Rng(seed);
    this.wte = zeros([5, 4], { requiresGrad: true });
    this.h = [new Block(rng), new Block(rng)];
    this.lmHead = new Linear(4, 5, { rng, bias: false });
    this.lmHead.weight = this.wte; // weight tying, as GPT-2
  }
}

describe('Module', () => {
  it('names parameters by field path in declaration order, tied weights once', () => {
    const names = new Tiny().namedParameters().map(([n]) => n);
    expect(names).toEqual([
      'wte',
      'h.0.ln1.weight',
      'h.0.ln1.bias',
      'h.0.attn.weight',
      'h.1.ln1.weight',
      'h.1.ln1.bias',
      'h.1.attn.weight',
      'lnF.weight',
    ]);
    const m = new Tiny();
    expect(m.parameters()).toHaveLength(8);
    expect(m.parameters()[0]).toBe(m.lmHead.weight);
    // parameters() walks without names: the same tensors in the same order.
    const named = m.namedParameters().map(([, t]) => t);
    m.parameters().forEach((t, i) => expect(t).toBe(named[i]));
  });

  it('lists modules and switches train/eval recursively', () => {
    const m = new Tiny();
    expect(m.namedModules().map(([n]) => n)).toEqual([
      '',
      'h.0',
      'h.0.ln1',
      'h.0.attn',
      'h.0.drop',
      'h.1',
      'h.1.ln1',
      'h.1.attn',
      'h.1.drop',
      'lnF',
      'lmHead',
    ]);
    m.eval();
    expect(m.namedModules().every(([, x]) => !x.training)).toBe(true);
    m.train();
    expect(m.h[1]!.drop.training).toBe(true);
  });

  it('round-trips a state dict into a fresh model', () => {
    const a = new Tiny(1);
    const b = new Tiny(2);
    a.h[0]!.attn.weight.data[3] = 42;
    const saved = Object.fromEntries(
      Object.entries(a.stateDict()).map(([k, t]) => [k, { shape: t.shape, data: t.data.slice() }]),
    );
    b.loadStateDict(saved);
    expect(b.h[0]!.attn.weight.data[3]).toBe(42);
    expect(Array.from(b.h[1]!.attn.weight.data)).toEqual(Array.from(a.h[1]!.attn.weight.data));
  });

  it('accepts a tied weight under either of its names (checkpoints from Hugging Face carry both)', () => {
    const m = new Tiny();
    const state = Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, t]));
    const wte = state.wte!;
    delete state.wte;
    expect(() => m.loadStateDict({ ...state, 'lmHead.weight': wte })).not.toThrow();
    expect(() => m.loadStateDict({ ...state, wte, 'lmHead.weight': wte })).not.toThrow();
  });

  it('names the key on a shape mismatch, a missing key and an unexpected key', () => {
    const m = new Tiny();
    const state: Record<string, Tensor> = { ...m.stateDict() };
    expect(() => m.loadStateDict({ ...state, 'lnF.weight': zeros([5]) })).toThrow(
      /"lnF.weight" has shape \[5\], the model expects \[4\]/,
    );
    const { ['h.1.attn.weight']: _, ...missing } = state;
    expect(() => m.loadStateDict(missing)).toThrow(/missing key "h.1.attn.weight"/);
    expect(() => m.loadStateDict({ ...state, extra: zeros([1]) })).toThrow(/unexpected key "extra"/);
    expect(() => m.loadStateDict({ ...missing, extra: zeros([1]) }, { strict: false })).not.toThrow();
  });

  it('zeroGrad clears every parameter gradient', () => {
    const m = new Tiny();
    for (const p of m.parameters()) p.grad = new Float32Array(p.size).fill(1);
    m.zeroGrad();
    expect(m.parameters().every((p) => p.grad === null)).toBe(true);
  });

  it('lists the parameters and modules of a very deep model without overflowing the stack', () => {
    const shared = zeros([1], { requiresGrad: true }); // one tensor under 300,000 names keeps the test fast
    class Leaf extends Module {
      w = shared;
    }
    class Stack extends Module {
      h = Array.from({ length: 300_000 }, () => new Leaf());
    }
    class Deep extends Module {
      transformer = new Stack(); // a level above the list: its entries come back as one array
    }
    const deep = new Deep();
    expect(deep.namedParameters()).toEqual([['transformer.h.0.w', shared]]);
    expect(deep.namedModules().length).toBe(300_002);
  });
});

describe('Linear, LayerNorm, Dropout', () => {
  it('Linear computes x·Wᵀ + b with (out, in) weights and N(0, 0.02²) init', () => {
    const fc = new Linear(3, 2, { rng: new Rng(0) });
    expect(fc.weight.shape).toEqual([2, 3]);
    expect(fc.bias!.toArray()).toEqual([0, 0]);
    const big = new Linear(100, 100, { rng: new Rng(0) });
    const sd = Math.sqrt(big.weight.toArray().reduce((a, v) => a + v * v, 0) / big.weight.size);
    expect(sd).toBeGreaterThan(0.018);
    expect(sd).toBeLessThan(0.022);
    fc.weight.data.set([1, 2, 3, 4, 5, 6]);
    fc.bias!.data.set([0.5, -0.5]);
    expect(fc.forward(fromArray([1, 1, 1], [1, 3])).toArray()).toEqual([6.5, 14.5]);
    expect(fc.forward(fromArray([1, 0, 0])).toArray()).toEqual([1.5, 3.5]);
  });

  it('LayerNorm normalises each row to zero mean and unit variance', () => {
    const ln = new LayerNorm(4);
    const y = ln.forward(fromArray([1, 2, 3, 4, -2, 0, 2, 4], [2, 4]));
    for (let r = 0; r < 2; r++) {
      const row = y.toArray().slice(r * 4, r * 4 + 4);
      const mean = row.reduce((a, b) => a + b, 0) / 4;
      expect(mean).toBeCloseTo(0, 6);
      expect(row.reduce((a, b) => a + (b - mean) ** 2, 0) / 4).toBeCloseTo(1, 4);
    }
  });

  it('Dropout is the identity in eval mode', () => {
    const d = new Dropout(0.5, new Rng(0));
    const x = fromArray([1, 2, 3]);
    expect(d.eval().forward(x)).toBe(x);
    expect(() => new Dropout(1.5, new Rng(0))).toThrow(/p must be in \[0, 1\]/);
  });
});
