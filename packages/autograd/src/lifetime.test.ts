// Tensor lifetimes: tidy scopes, keep, dispose, backward freeing activations, views, free-list reuse and the leak detector.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { getBackend } from './backend/active.js';
import { fromArray, randn, scalar, tensor, zeros } from './creation.js';
import { detectLeaks, dispose, keep, scopeDepth, takeLeaks, tidy } from './lifetime.js';
import { Linear } from './nn/linear.js';
import { AdamW } from './optim/adamw.js';
import { Rng } from './rng.js';
import type { Tensor } from './tensor.js';

const live = (): number => getBackend().memoryStats().liveBytes;

describe('tidy', () => {
  it('disposes every tensor made inside except what it returns, and restores the depth', () => {
    let inner: Tensor | null = null;
    const before = live();
    const out = tidy(() => {
      expect(scopeDepth()).toBe(1);
      const a = tensor([1, 2, 3]);
      inner = a.mul(2);
      return inner.add(1);
    });
    expect(scopeDepth()).toBe(0);
    expect(inner!.disposed).toBe(true);
    expect(out.toArray()).toEqual([3, 5, 7]);
    expect(live()).toBe(before + 12);
    out.dispose();
    expect(live()).toBe(before);
  });

  it('keeps tensors in a returned array or object, and kept ones; hands survivors to the outer scope', () => {
    let kept: Tensor | null = null;
    let survivor: Tensor | null = null;
    tidy(() => {
      const { a } = tidy(() => ({ a: tensor([1]), b: 2 }));
      survivor = a;
      kept = keep(tensor([5]));
      expect(a.disposed).toBe(false);
    });
    expect(survivor!.disposed).toBe(true); // the outer scope disposed it
    expect(kept!.disposed).toBe(false);
    kept!.dispose();
  });

  it('keeps what a returned graph needs for backward', () => {
    const w = tensor([2, 3], [2], { requiresGrad: true });
    const loss = tidy(() => w.mul(w).sum());
    loss.backward();
    expect(Array.from(w.grad!)).toEqual([4, 6]);
    loss.dispose();
  });

  it('frees the scope even when fn throws, and refuses async functions', () => {
    const before = live();
    expect(() =>
      tidy(() => {
        tensor([1, 2]);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(live()).toBe(before);
    expect(() => tidy(async () => 1)).toThrow('a scope only covers synchronous code');
  });

  it('never tracks parameters', () => {
    const p = tidy(() => zeros([3], { requiresGrad: true }));
    let q: Tensor | null = null;
    tidy(() => {
      q = randn([2], new Rng(1), { requiresGrad: true });
    });
    expect(p.disposed).toBe(false);
    expect(q!.disposed).toBe(false);
  });
});

describe('backward', () => {
  it('frees activations and intermediate gradients, keeping leaves, the root and kept tensors', () => {
    const x = fromArray([1, 2, 3], [3], { requiresGrad: true });
    const h = x.mul(2);
    const k = keep(h.exp());
    const loss = k.sum();
    loss.backward();
    expect(h.disposed).toBe(true);
    expect(k.disposed).toBe(false);
    expect(loss.item()).toBeCloseTo(Math.exp(2) + Math.exp(4) + Math.exp(6), 3);
    expect(x.grad).not.toBeNull();
    expect(() => h.toArray()).toThrow('a tensor made by mul (shape [3]) was used after it was disposed');
    k.dispose();
  });
});

describe('dispose', () => {
  it('shares storage between views by count, and is idempotent', () => {
    const before = live();
    const a = tensor([1, 2, 3, 4]);
    const v = a.reshape([2, 2]);
    const d = v.detach();
    a.dispose();
    expect(v.toArray()).toEqual([1, 2, 3, 4]);
    dispose([v, d]);
    dispose(d);
    expect(live()).toBe(before);
  });

  it('frees a model and its optimizer state', () => {
    const before = live();
    const model = new Linear(4, 3, { rng: new Rng(2) });
    const opt = new AdamW(model.parameters(), { lr: 0.1 });
    tidy(() =>
      model
        .forward(tensor([1, 2, 3, 4], [1, 4]))
        .sum()
        .backward(),
    );
    opt.step();
    opt.zeroGrad();
    opt.dispose();
    model.dispose();
    expect(live()).toBe(before);
  });
});

describe('steady state', () => {
  it('reuses freed buffers: the high-water mark stops after the first step', () => {
    const model = new Linear(8, 8, { rng: new Rng(3) });
    const opt = new AdamW(model.parameters(), { lr: 0.01 });
    const x = randn([4, 8], new Rng(4));
    const marks: number[] = [];
    for (let i = 0; i < 20; i++) {
      tidy(() => model.forward(x).relu().sum().backward());
      opt.step();
      opt.zeroGrad();
      marks.push(getBackend().memoryStats().highWaterBytes);
    }
    expect(marks.at(-1)).toBe(marks[1]);
    opt.dispose();
    model.dispose();
    x.dispose();
  });

  it('zero-fills gradients even when their buffer is recycled garbage', () => {
    for (let i = 0; i < 3; i++) {
      const x = tensor([1, 2], [2], { requiresGrad: true });
      tidy(() => full2(x).sum().backward());
      expect(Array.from(x.grad!)).toEqual([3, 3]);
      x.dispose();
    }
  });
});

/** x·3, leaving garbage in freed buffers of x's size so a missing zero fill would show. */
function full2(x: Tensor): Tensor {
  tidy(() => tensor([1e9, 1e9]).add(1));
  return x.mul(scalar(3));
}

describe('the leak detector', () => {
  it('names the op of a tensor collected without dispose(), and nothing for a tidy loop', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const collect = async (): Promise<string[]> => {
      for (let i = 0; i < 3; i++) {
        gc();
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return takeLeaks();
    };
    detectLeaks(true);
    try {
      const w = tensor([1, 2, 3, 4], [2, 2]);
      for (let i = 0; i < 5; i++) tidy(() => w.matmul(w).relu().sum().item());
      expect(await collect()).toEqual([]);
      (() => {
        w.matmul(w); // dropped without dispose()
      })();
      expect(await collect()).toEqual(['matmul [2, 2]']);
      w.dispose();
    } finally {
      detectLeaks(false);
    }
  });
});
