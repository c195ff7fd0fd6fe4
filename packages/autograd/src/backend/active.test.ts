// Tests of backend switching: every op and every allocation goes through the active backend.

import { afterEach, describe, expect, it } from 'vitest';
import { getBackend, setBackend } from './active.js';
import type { Backend } from './backend.js';
import { cpuBackend } from './cpu/index.js';
import { fromArray, randn } from '../creation.js';
import { crossEntropy } from '../functional/losses.js';
import { Linear } from '../nn/linear.js';
import { AdamW } from '../optim/adamw.js';
import { Rng } from '../rng.js';

/** The CPU backend with every call counted by kernel name. */
function counting(): { backend: Backend; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const backend = Object.fromEntries(
    Object.entries(cpuBackend).map(([name, fn]) => [
      name,
      typeof fn === 'function'
        ? (...args: unknown[]) => {
            calls.set(name, (calls.get(name) ?? 0) + 1);
            return (fn as (...a: unknown[]) => unknown)(...args);
          }
        : fn,
    ]),
  ) as unknown as Backend;
  return { backend, calls };
}

afterEach(() => setBackend(cpuBackend));

describe('setBackend', () => {
  it('routes a whole training step (storage, kernels, optimizer) through the active backend', () => {
    const { backend, calls } = counting();
    setBackend(backend);
    expect(getBackend()).toBe(backend);
    const rng = new Rng(0);
    const fc = new Linear(4, 3, { rng });
    const opt = new AdamW(fc.parameters(), { lr: 0.1 });
    const loss = crossEntropy(fc.forward(randn([5, 4], rng)), Int32Array.from([0, 1, 2, 0, 1]));
    loss.backward();
    opt.step();
    for (const kernel of ['alloc', 'sgemm', 'binary', 'crossEntropy', 'crossEntropyBackward', 'sumTo', 'adamwMany']) {
      expect(calls.get(kernel), kernel).toBeGreaterThan(0);
    }
  });

  it('defaults to the CPU backend', () => {
    expect(getBackend().name).toBe('cpu');
    expect(fromArray([1, 2]).add(1).toArray()).toEqual([2, 3]);
  });
});
