// The wasm backend under the training loop: resume is exact there too, and its curve is the js backend's up to rounding.
import { cpuBackend, getBackend, setBackend } from '@tinygpt/autograd';
import { afterAll, describe, expect, it } from 'vitest';
import { withBackend } from '@tinygpt/backend-wasm';
import type { TrainConfig } from '../src/config.js';
import { train } from '../src/train.js';
import { tinyRun } from './helpers.js';

afterAll(() => setBackend(cpuBackend));

describe('training on the wasm backend', () => {
  // Dropout on, so the generator's restored state is exercised by every forward pass.
  const base = (): TrainConfig => tinyRun({ dropout: 0.1, maxIters: 12, evalInterval: 5 });

  it('resumes bit for bit, and follows the js backend to 1e-5', async () => {
    const config = base();
    const { full, resumed } = await withBackend({ backend: 'wasm', threads: 2 }, async (backend) => {
      expect(backend.describe()).toMatch(/^wasm \(2 threads(, relaxed-simd)?\)$/);
      expect(getBackend().name).toBe('wasm');
      const full = await train(config);
      const stopped = { ...base(), data: config.data };
      const first = await train(stopped, { shouldStop: (iter) => iter === 7 });
      expect(first.interrupted).toBe(true);
      const second = await train({ ...stopped, initFrom: 'resume' });
      return {
        full,
        resumed: { losses: [...first.losses, ...second.losses], evals: [...first.evals, ...second.evals] },
      };
    });
    expect(full.losses).toHaveLength(12);
    expect(resumed.losses.every((loss, i) => loss === full.losses[i])).toBe(true);
    expect(resumed.evals).toEqual(full.evals);

    const js = await withBackend({ backend: 'js', threads: 0 }, () => train({ ...base(), data: config.data }));
    expect(getBackend()).toBe(cpuBackend);
    js.losses.forEach((loss, i) => expect(Math.abs(loss - full.losses[i]!)).toBeLessThan(1e-5 * Math.abs(loss)));
  });
});
