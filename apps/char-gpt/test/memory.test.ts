// Long loops with no event-loop turn at all keep the storage high-water mark exactly where the first two steps (or tokens) left it.
import { cpuBackend, getBackend, setBackend } from '@tinygpt/autograd';
import type { Backend } from '@tinygpt/autograd';
import { selectBackend } from '@tinygpt/backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generationMemory, smallShape, trainingMemory } from '../bench/memory.js';
import type { LoopMemory } from '../bench/memory.js';

// CI runs the baby config's code path on a smaller model (bench/memory.ts's smallShape: the same
// Gpt, trainStep, AdamW, clipping, dropout and sampleTokens); `pnpm --filter @tinygpt/char-gpt
// bench:memory` runs the full baby config for 1,000 steps and 20,000 tokens.

let wasm: Backend & { close?: () => void };
const previous = getBackend();
beforeAll(async () => {
  await selectBackend({ backend: 'wasm', threads: 0 }); // the apps' default: wasm, one thread per core
  wasm = getBackend();
});
afterAll(() => {
  setBackend(previous);
  wasm.close?.();
});

/** The loop allocated on its first steps, never after, and gave everything back once disposed. */
function expectFlat(m: LoopMemory): void {
  expect(m.afterTwo.highWater).toBeGreaterThan(m.before.highWater);
  expect(m.atEnd.highWater).toBe(m.afterTwo.highWater);
  expect(m.atEnd.memory).toBe(m.afterTwo.memory);
  expect(m.disposed.live).toBe(m.before.live);
}

describe.each([
  ['wasm', () => wasm],
  ['js', () => cpuBackend],
] as const)('on the %s backend', (_name, backend) => {
  it('1,000 training steps with no event-loop turn leave the high-water mark where two steps left it', () => {
    setBackend(backend());
    expectFlat(trainingMemory(smallShape, 1000));
  });

  it('20,000 generated tokens with no event-loop turn leave it where two tokens left it', () => {
    setBackend(backend());
    expectFlat(generationMemory(smallShape, 20_000));
  });

  it('with a one-token prompt the mark stops rising once the context is full', () => {
    setBackend(backend());
    const full = smallShape.model.blockSize + 2;
    const early = generationMemory(smallShape, full, 1);
    const long = generationMemory(smallShape, 2000, 1);
    expect(long.atEnd.highWater).toBe(Math.max(early.atEnd.highWater, long.before.highWater));
  });
});
