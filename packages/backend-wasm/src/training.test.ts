// Training end to end on the WebAssembly backend: the CPU backend's loss curve, and memory that stays bounded.

import { AdamW, cpuBackend, crossEntropy, getBackend, Linear, Rng, setBackend, tensor } from '@tinygpt/autograd';
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

/** A 196-64-10 ReLU perceptron trained with AdamW on fixed random data; returns the loss of every step. */
async function train(backend: Backend, steps: number, batch = 32): Promise<number[]> {
  setBackend(backend);
  const rng = new Rng('training');
  const l1 = new Linear(196, 64, { rng, std: 0.1 });
  const l2 = new Linear(64, 10, { rng, std: 0.1 });
  const params = [...l1.parameters(), ...l2.parameters()];
  const opt = new AdamW(params, { lr: 1e-2, weightDecay: 0.01 });
  const x = Float32Array.from({ length: batch * 196 }, () => rng.random());
  const y = Int32Array.from({ length: batch }, () => rng.int(10));
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const logits: Tensor = l2.forward(l1.forward(tensor(x, [batch, 196])).relu());
    const loss = crossEntropy(logits, y);
    losses.push(loss.item());
    loss.backward();
    opt.step();
    opt.zeroGrad();
    // As the apps do: let the event loop turn, so dropped tensors' blocks are reclaimed.
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
  }
  return losses;
}

describe('training on the WebAssembly backend', () => {
  it('follows the CPU backend loss for loss, step after step', async () => {
    const cpu = await train(cpuBackend, 30);
    const ours = await train(wasm, 30);
    expect(ours[0]).toBeCloseTo(Math.log(10), 0);
    for (let i = 0; i < cpu.length; i++) expect(ours[i]).toBeCloseTo(cpu[i]!, 3);
    expect(ours.at(-1)!).toBeLessThan(ours[0]! / 4);
  });

  it('does not grow its memory step after step', async () => {
    // With batch 512 a step leaves about 1.2 MB that only the garbage collector finds dead (the
    // input copy and the activations): 300 steps would need 360 MB if none of it came back. Full
    // pressure (one byte of ArrayBuffer per byte allocated) has V8 collect every 64 MB or so.
    const pressed = await createWasmBackend({ threads: 1, initialMemoryMiB: 16, gcPressure: 1 });
    const start = pressed.memoryStats().memoryBytes;
    await train(pressed, 300, 512);
    expect(pressed.memoryStats().memoryBytes - start).toBeLessThan(120 << 20);
    pressed.close();
  }, 30_000);
});
