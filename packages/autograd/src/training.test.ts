// End-to-end tests: a small MLP trains with AdamW, same seed ⇒ identical bits, and 1,000 steps keep memory flat.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { randn } from './creation.js';
import { crossEntropy } from './functional/losses.js';
import { Dropout } from './nn/dropout.js';
import { Linear } from './nn/linear.js';
import { Module } from './nn/module.js';
import { AdamW } from './optim/adamw.js';
import { clipGradNorm } from './optim/clip.js';
import { Rng } from './rng.js';
import type { Tensor } from './tensor.js';

class Mlp extends Module {
  fc1: Linear;
  drop: Dropout;
  fc2: Linear;
  constructor(rng: Rng, nIn: number, nHidden: number, nOut: number, p: number) {
    super();
    this.fc1 = new Linear(nIn, nHidden, { rng, std: 0.2 });
    this.drop = new Dropout(p, rng);
    this.fc2 = new Linear(nHidden, nOut, { rng, std: 0.02 });
  }
  forward(x: Tensor): Tensor {
    return this.fc2.forward(this.drop.forward(this.fc1.forward(x).gelu()));
  }
}

/** A seeded classification problem and a training loop; returns the losses and final parameters. */
function train(seed: number, steps: number, p = 0.1, onStep?: (step: number) => void) {
  const rng = new Rng(seed);
  const model = new Mlp(rng, 16, 32, 4, p);
  const x = randn([24, 16], rng);
  const y = Int32Array.from({ length: 24 }, () => rng.int(4));
  const opt = new AdamW(model.parameters(), { lr: 1e-2, weightDecay: 0.01 });
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const loss = crossEntropy(model.forward(x), y);
    loss.backward();
    clipGradNorm(model.parameters(), 1);
    opt.step();
    opt.zeroGrad();
    losses.push(loss.item());
    onStep?.(step);
  }
  return { losses, params: model.parameters().map((t) => Array.from(t.data)) };
}

/** Forces a full garbage collection (exposing gc at runtime) and returns heap and array-buffer bytes. */
function settledMemory(): { heap: number; buffers: number } {
  setFlagsFromString('--expose_gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  gc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, buffers: m.arrayBuffers };
}

describe('training a small MLP', () => {
  it('fits a tiny batch: loss from ≈ ln 4 to near zero', () => {
    const { losses } = train(0, 300, 0);
    expect(Math.abs(losses[0]! - Math.log(4))).toBeLessThan(0.05);
    expect(losses.at(-1)).toBeLessThan(0.05);
  });

  it('same seed ⇒ bit-identical losses and weights (dropout included); another seed differs', () => {
    const a = train(7, 25);
    const b = train(7, 25);
    expect(b.losses).toEqual(a.losses);
    expect(b.params).toEqual(a.params);
    expect(train(8, 25).losses).not.toEqual(a.losses);
  });

  it('1,000 steps keep the heap flat, and the check notices a leak of graph nodes', () => {
    let before = { heap: 0, buffers: 0 };
    train(1, 1000, 0.1, (step) => {
      if (step === 99) before = settledMemory();
    });
    const after = settledMemory();
    expect(after.heap - before.heap).toBeLessThan(1_000_000);
    expect(after.buffers - before.buffers).toBeLessThan(1_000_000);

    // The same loop holding on to each step's graph (as a forgotten reference would) is caught.
    const kept: Tensor[] = [];
    let leakBefore = { heap: 0, buffers: 0 };
    const rng = new Rng(1);
    const model = new Mlp(rng, 16, 32, 4, 0.1);
    const x = randn([24, 16], rng);
    const y = Int32Array.from({ length: 24 }, () => rng.int(4));
    for (let step = 0; step < 1000; step++) {
      kept.push(crossEntropy(model.forward(x), y)); // never backpropagated: the graph stays alive
      if (step === 99) leakBefore = settledMemory();
    }
    const leakAfter = settledMemory();
    expect(leakAfter.heap - leakBefore.heap).toBeGreaterThan(2_000_000);
    expect(kept).toHaveLength(1000);
  }, 60_000);
});
