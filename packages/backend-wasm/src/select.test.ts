import { getBackend, cpuBackend, setBackend, tensor } from '@tinygpt/autograd';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MockInstance } from 'vitest';
import { WasmBackend } from './backend.js';
import { MAX_THREADS } from './runtime.js';
import { backendDefaults, backendSpec, selectBackend, withBackend } from './select.js';

afterEach(() => setBackend(cpuBackend));

describe('backend selection', () => {
  it('defaults to wasm, or to what TINYGPT_BACKEND names', () => {
    expect(backendDefaults({})).toEqual({ backend: 'wasm', threads: 0 });
    expect(backendDefaults({ TINYGPT_BACKEND: ' js ' })).toEqual({ backend: 'js', threads: 0 });
    expect(backendDefaults({ TINYGPT_BACKEND: 'gpu' }).backend).toBe('gpu'); // refused with the flags (backendSpec.choices)
  });

  it('checks names and thread counts', () => {
    expect(backendSpec.choices.backend).toEqual(['wasm', 'js']);
    expect(backendSpec.validate.threads(0)).toBeUndefined();
    expect(backendSpec.validate.threads(MAX_THREADS)).toBeUndefined();
    for (const bad of [-1, 1.5, MAX_THREADS + 1, 100000]) {
      expect(backendSpec.validate.threads(bad)).toMatch(/whole number/);
    }
  });

  it('installs the js reference backend', async () => {
    const active = await selectBackend({ backend: 'js', threads: 0 });
    expect(active.describe()).toBe('js (1 thread)');
    expect((await selectBackend({ backend: 'js', threads: 4 })).describe()).toBe(
      'js (1 thread; it ignores --threads 4)',
    );
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

  it('closes the backend after the command, even when it throws', async () => {
    let close: MockInstance | undefined;
    await expect(
      withBackend({ backend: 'wasm', threads: 2 }, async (active) => {
        const backend = getBackend();
        if (!(backend instanceof WasmBackend)) throw new Error('not the wasm backend');
        close = vi.spyOn(backend, 'close');
        expect(active.threads).toBe(2);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(close).toHaveBeenCalledTimes(1);
  });

  it('refuses a backend or a thread count that makes no sense', async () => {
    await expect(selectBackend({ backend: 'cuda', threads: 0 })).rejects.toThrow(RangeError);
    await expect(selectBackend({ backend: 'wasm', threads: -1 })).rejects.toThrow(/threads/);
    await expect(selectBackend({ backend: 'wasm', threads: 1.5 })).rejects.toThrow(/threads/);
  });
});
