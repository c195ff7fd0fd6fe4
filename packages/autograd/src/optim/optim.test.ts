// Tests of the optimizers against hand-derived PyTorch updates, parameter groups, clipping, schedules and exact state restore.

import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { setBackend } from '../backend/active.js';
import { cpuBackend } from '../backend/cpu/index.js';
import { AdamW } from './adamw.js';
import { SGD } from './sgd.js';
import { clipGradNorm } from './clip.js';
import { constantLr, cosineLr } from './schedule.js';
import { fromArray } from '../creation.js';
import type { Tensor } from '../tensor.js';
import { assertClose } from '../testing/index.js';

const param = (values: number[]) => fromArray(values, [values.length], { requiresGrad: true });
const setGrad = (p: Tensor, g: number[]) => (p.grad = Float32Array.from(g));

/** torch.optim.AdamW's update, written out in float64. */
function adamwRef(
  p: number[],
  grads: number[][],
  lr: number,
  b1: number,
  b2: number,
  eps: number,
  wd: number,
): number[] {
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  grads.forEach((g, t) => {
    const step = t + 1;
    for (let i = 0; i < p.length; i++) {
      p[i]! *= 1 - lr * wd;
      m[i] = b1 * m[i]! + (1 - b1) * g[i]!;
      v[i] = b2 * v[i]! + (1 - b2) * g[i]! ** 2;
      const denom = Math.sqrt(v[i]!) / Math.sqrt(1 - b2 ** step) + eps;
      p[i]! -= (lr / (1 - b1 ** step)) * (m[i]! / denom);
    }
  });
  return p;
}

describe('AdamW', () => {
  it('first step moves each weight by lr·sign(g) after decoupled decay', () => {
    const p = param([1, -2, 0.5]);
    const opt = new AdamW([p], { lr: 0.1, weightDecay: 0.5 });
    setGrad(p, [3, -0.001, 0]);
    opt.step();
    assertClose(p.data, [1 * 0.95 - 0.1, -2 * 0.95 + 0.1, 0.5 * 0.95], { atol: 1e-6 });
  });

  it('matches the PyTorch update over several steps', () => {
    const grads = [
      [0.1, -0.2, 0.3],
      [0.5, 0.1, -0.4],
      [-0.3, 0.2, 0.05],
      [0.01, -0.02, 0.2],
    ];
    const p = param([0.5, -0.5, 1]);
    const opt = new AdamW([p], { lr: 0.01, betas: [0.9, 0.99], eps: 1e-8, weightDecay: 0.1 });
    for (const g of grads) {
      setGrad(p, g);
      opt.step();
    }
    assertClose(p.data, adamwRef([0.5, -0.5, 1], grads, 0.01, 0.9, 0.99, 1e-8, 0.1), { atol: 1e-6 });
  });

  it('parameter groups: 1-D params skip decay; group lr overrides', () => {
    const w = param([1, 1]);
    const b = param([1]);
    const opt = new AdamW(
      [
        { params: [w], weightDecay: 0.1 },
        { params: [b], weightDecay: 0, lr: 0.5 },
      ],
      { lr: 0.1 },
    );
    setGrad(w, [0, 0]);
    setGrad(b, [1]);
    opt.step();
    assertClose(w.data, [0.99, 0.99], { atol: 1e-7 });
    assertClose(b.data, [0.5], { atol: 1e-6 });
  });

  it('updates every parameter in one fused call, with the bits and state of adamw applied one by one', () => {
    const rng = seedrandom('fused-adamw');
    const values = (n: number) => Array.from({ length: n }, () => rng() * 2 - 1);
    const shapes = [5, 300, 1, 64];
    const params = shapes.map((n) => param(values(n)));
    const copies = params.map((p) => param(Array.from(p.data)));
    const groups = (ps: Tensor[]) => [
      { params: ps.slice(0, 2), weightDecay: 0.1 },
      { params: ps.slice(2), weightDecay: 0, lr: 3e-3 },
    ];
    const opt = new AdamW(groups(params), { lr: 1e-3, betas: [0.9, 0.99] });
    const m = copies.map((p) => new Float32Array(p.size));
    const v = copies.map((p) => new Float32Array(p.size));
    const calls: number[] = [];
    const spy = {
      ...cpuBackend,
      adamwMany: (list: Parameters<typeof cpuBackend.adamwMany>[0]) => {
        calls.push(list.length);
        cpuBackend.adamwMany(list);
      },
    };
    for (let step = 1; step <= 3; step++) {
      const grads = shapes.map(values);
      params.forEach((p, i) => setGrad(p, grads[i]!));
      setBackend(spy);
      try {
        opt.step();
      } finally {
        setBackend(cpuBackend);
      }
      // The same update, parameter by parameter, through the unfused kernel.
      copies.forEach((p, i) => {
        const hyper = {
          lr: i < 2 ? 1e-3 : 3e-3,
          beta1: 0.9,
          beta2: 0.99,
          eps: 1e-8,
          weightDecay: i < 2 ? 0.1 : 0,
          bc1: 1 - 0.9 ** step,
          bc2: 1 - 0.99 ** step,
        };
        cpuBackend.adamw(p.data, Float32Array.from(grads[i]!), m[i]!, v[i]!, hyper);
      });
    }
    expect(calls).toEqual([4, 4, 4]);
    params.forEach((p, i) => expect(Array.from(p.data)).toEqual(Array.from(copies[i]!.data)));
    const state = opt.stateDict();
    expect(state.buffers.m!.map((b) => Array.from(b))).toEqual(m.map((b) => Array.from(b)));
    expect(state.buffers.v!.map((b) => Array.from(b))).toEqual(v.map((b) => Array.from(b)));
  });

  it('skips parameters without a gradient', () => {
    const p = param([1]);
    new AdamW([p], { lr: 0.1 }).step();
    expect(p.data[0]).toBe(1);
  });

  it('save and restore resume bit for bit', () => {
    const run = (restoreAt: number | null) => {
      const p = param([0.3, -0.7]);
      let opt = new AdamW([p], { lr: 0.05 });
      for (let t = 0; t < 6; t++) {
        if (t === restoreAt) {
          const saved = opt.stateDict();
          opt = new AdamW([p], { lr: 999 });
          opt.loadStateDict(saved);
        }
        setGrad(p, [Math.sin(t), Math.cos(t)]);
        opt.step();
      }
      return Array.from(p.data);
    };
    expect(run(3)).toEqual(run(null));
  });

  it('rejects a state of another shape or kind', () => {
    const a = new AdamW([param([1, 2])], { lr: 0.1 });
    const b = new AdamW([param([1])], { lr: 0.1 });
    expect(() => b.loadStateDict(a.stateDict())).toThrow(/"m\[0\]" has 2 values, the parameter 1/);
    expect(() => b.loadStateDict(new SGD([param([1])], { lr: 1, momentum: 0.9 }).stateDict())).toThrow(/from sgd/);
  });
});

describe('SGD', () => {
  it('plain, with L2 weight decay, and with momentum as torch.optim.SGD', () => {
    const p = param([1, 2]);
    const plain = new SGD([p], { lr: 0.1 });
    setGrad(p, [1, -1]);
    plain.step();
    assertClose(p.data, [0.9, 2.1]);

    const q = param([1]);
    const opt = new SGD([q], { lr: 0.1, momentum: 0.9, weightDecay: 0.5 });
    // d1 = 1 + 0.5·1 = 1.5, buf = 1.5, q = 1 − 0.15 = 0.85
    setGrad(q, [1]);
    opt.step();
    assertClose(q.data, [0.85], { atol: 1e-7 });
    // d2 = 1 + 0.425 = 1.425, buf = 0.9·1.5 + 1.425 = 2.775, q = 0.85 − 0.2775 = 0.5725
    setGrad(q, [1]);
    opt.step();
    assertClose(q.data, [0.5725], { atol: 1e-6 });
    const saved = opt.stateDict();
    expect(saved.buffers.momentum![0]![0]).toBeCloseTo(2.775, 5);
    expect(saved.step).toBe(2);
  });

  it('zeroGrad drops the gradients', () => {
    const p = param([1]);
    setGrad(p, [1]);
    new SGD([p], { lr: 1 }).zeroGrad();
    expect(p.grad).toBeNull();
  });
});

describe('clipGradNorm', () => {
  it('returns the global norm and scales to maxNorm only when above it', () => {
    const a = param([3, 0]);
    const b = param([4]);
    setGrad(a, [3, 0]);
    setGrad(b, [4]);
    expect(clipGradNorm([a, b], 10)).toBeCloseTo(5, 6);
    expect(Array.from(a.grad!)).toEqual([3, 0]);
    expect(clipGradNorm([a, b], 1)).toBeCloseTo(5, 6);
    assertClose([...a.grad!, ...b.grad!], [0.6, 0, 0.8], { atol: 1e-6 });
  });
});

describe('learning-rate schedules', () => {
  it("cosineLr is nanoGPT's get_lr", () => {
    const lr = cosineLr({ learningRate: 1e-3, minLr: 1e-4, warmupIters: 100, lrDecayIters: 2000 });
    expect(lr(0)).toBeCloseTo(1e-3 / 101, 12);
    expect(lr(99)).toBeCloseTo(1e-3 * (100 / 101), 12);
    expect(lr(100)).toBeCloseTo(1e-3, 12);
    expect(lr(1050)).toBeCloseTo(5.5e-4, 12);
    expect(lr(2000)).toBeCloseTo(1e-4, 12);
    expect(lr(5000)).toBe(1e-4);
  });

  it('constantLr is constant', () => {
    expect(constantLr(0.3)(0)).toBe(0.3);
    expect(constantLr(0.3)(1e6)).toBe(0.3);
  });
});
