// Training end to end on the WebAssembly backend: the CPU backend's loss curve, and memory that stays exactly put.

import { AdamW, cpuBackend, crossEntropy, getBackend, Linear, Rng, setBackend, tensor, tidy } from '@tinygpt/autograd';
import type { Backend, Tensor } from '@tinygpt/autograd';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWasmBackend } from './backend.js';
import type { WasmBackend } from './backend.js';

let wasm: WasmBackend;
const before = getBackend();
beforeAll(async () => {
  wasm = await createWasmBackend({ threads: 2, initialMemoryMiB: 16 });
});
afterAll(() => {
  setBackend(before);
  wasm.close();
});

/**
 * A 196-64-10 ReLU perceptron trained with AdamW on fixed random data, each step in a `tidy`
 * scope and no event-loop turn anywhere; returns the loss of every step and the backend's
 * high-water mark after each.
 */
function train(backend: Backend, steps: number, batch = 32): { losses: number[]; highWater: number[] } {
  setBackend(backend);
  const rng = new Rng('training');
  const l1 = new Linear(196, 64, { rng, std: 0.1 });
  const l2 = new Linear(64, 10, { rng, std: 0.1 });
  const params = [...l1.parameters(), ...l2.parameters()];
  const opt = new AdamW(params, { lr: 1e-2, weightDecay: 0.01 });
  const x = Float32Array.from({ length: batch * 196 }, () => rng.random());
  const y = Int32Array.from({ length: batch }, () => rng.int(10));
  const losses: number[] = [];
  const highWater: number[] = [];
  for (let step = 0; step < steps; step++) {
    const loss = tidy(() => {
      const logits: Tensor = l2.forward(l1.forward(tensor(x, [batch, 196])).relu());
      const l = crossEntropy(logits, y);
      l.backward();
      return l.item();
    });
    losses.push(loss);
    opt.step();
    opt.zeroGrad();
    highWater.push(backend.memoryStats().highWaterBytes);
  }
  opt.dispose();
  l1.dispose();
  l2.dispose();
  return { losses, highWater };
}

describe('training on the WebAssembly backend', () => {
  it('follows the CPU backend loss for loss, step after step', () => {
    const cpu = train(cpuBackend, 30).losses;
    const ours = train(wasm, 30).losses;
    expect(ours[0]).toBeCloseTo(Math.log(10), 0);
    for (let i = 0; i < cpu.length; i++) expect(ours[i]).toBeCloseTo(cpu[i]!, 3);
    expect(ours.at(-1)!).toBeLessThan(ours[0]! / 4);
  });

  it('does not grow its memory step after step, with no event-loop turn: the high-water mark stays exactly put', async () => {
    // Batch 512: a step makes about 1.2 MB of activations and gradients. Without lifetimes the
    // 300 steps would need 360 MB; with them every step after the first reuses the same blocks.
    const own = await createWasmBackend({ threads: 1, initialMemoryMiB: 16 });
    const start = own.memoryStats();
    const { highWater } = train(own, 300, 512);
    expect(highWater[1]).toBeGreaterThan(start.highWaterBytes);
    expect(highWater.at(-1)).toBe(highWater[1]);
    expect(own.memoryStats().memoryBytes).toBe(start.memoryBytes);
    expect(own.memoryStats().liveBytes).toBe(start.liveBytes); // parameters and optimizer disposed
    own.close();
  }, 60_000);
});
