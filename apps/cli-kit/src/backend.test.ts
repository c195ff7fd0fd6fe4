import { getBackend, cpuBackend, setBackend, tensor } from '@tinygpt/autograd';
import { afterEach, describe, expect, it } from 'vitest';
import { backendDefaults, selectBackend } from './backend.js';
import { CliError } from './cli-error.js';

afterEach(() => setBackend(cpuBackend));

describe('backend selection', () => {
  it('defaults to wasm, or to what TINYGPT_BACKEND names', () => {
    expect(backendDefaults({})).toEqual({ backend: 'wasm', threads: 0 });
    expect(backendDefaults({ TINYGPT_BACKEND: 'js' })).toEqual({ backend: 'js', threads: 0 });
    expect(() => backendDefaults({ TINYGPT_BACKEND: 'gpu' })).toThrow(/TINYGPT_BACKEND must be wasm or js, got 'gpu'/);
  });

  it('installs the js reference backend', async () => {
    const active = await selectBackend({ backend: 'js', threads: 0 });
    expect(active.describe()).toBe('js (1 thread)');
    expect(getBackend()).toBe(cpuBackend);
  });

  it('installs the wasm backend with the threads asked for, and computes the same product', async () => {
    const active = await selectBackend({ backend: 'wasm', threads: 1 });
    expect(active).toMatchObject({ name: 'wasm', threads: 1 });
    expect(getBackend().name).toBe('wasm');
    // The kernels' build is named when it is the relaxed-SIMD one (fused multiply-add).
    const simd = (getBackend() as unknown as { simd: string }).simd;
    expect(active.describe()).toBe(simd === 'relaxed-simd' ? 'wasm (1 thread, relaxed-simd)' : 'wasm (1 thread)');
    const c = tensor([1, 2, 3, 4], [2, 2]).matmul(tensor([5, 6, 7, 8], [2, 2]));
    expect(c.toArray()).toEqual([19, 22, 43, 50]);
  });

  it('refuses a backend or a thread count that makes no sense', async () => {
    await expect(selectBackend({ backend: 'cuda', threads: 0 })).rejects.toThrow(CliError);
    await expect(selectBackend({ backend: 'wasm', threads: -1 })).rejects.toThrow(/--threads must be a whole number/);
    await expect(selectBackend({ backend: 'wasm', threads: 1.5 })).rejects.toThrow(/--threads/);
  });
});
