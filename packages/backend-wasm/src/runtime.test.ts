// sgemm against its definition on one and two threads, and the runtime's options and fallbacks.

import { Rng } from '@tinygpt/autograd';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WasmRuntime } from './runtime.js';

/** The definition: one float64 dot product per entry of C. */
function naiveSgemm(
  tA: boolean,
  tB: boolean,
  M: number,
  N: number,
  K: number,
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  acc: boolean,
): void {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += (tA ? a[k * M + i]! : a[i * K + k]!) * (tB ? b[j * K + k]! : b[k * N + j]!);
      c[i * N + j] = (acc ? c[i * N + j]! : 0) + s;
    }
  }
}

const shapes: [number, number, number][] = [
  [1, 1, 1],
  [1, 9, 3],
  [3, 5, 7],
  [4, 8, 16],
  [5, 9, 17],
  [17, 9, 300],
  [33, 65, 257],
  [130, 70, 513],
  [2, 1030, 3],
  [64, 64, 64],
  [9, 1, 40],
  [0, 4, 4],
  [4, 0, 4],
  [4, 4, 0],
];

describe.each([1, 2])('sgemm on %i thread(s) against the definition', (threads) => {
  let rt: WasmRuntime;
  beforeAll(async () => {
    // A threshold of 1 sends even the smallest product through the worker split.
    rt = await WasmRuntime.create({ threads, parallelThreshold: 1, initialMemoryMiB: 16 });
  });
  afterAll(() => rt.close());

  it.each(shapes)('M=%i N=%i K=%i, every transpose, assigned and accumulated, leaving neighbours alone', (M, N, K) => {
    const heap = rt.heap;
    const rng = new Rng(`sgemm-${M}-${N}-${K}`);
    for (const tA of [false, true]) {
      for (const tB of [false, true]) {
        for (const acc of [false, true]) {
          // Operands start 3 and 5 floats into their blocks, C one float in with a guard after it.
          const a = heap.alloc(M * K + 3),
            b = heap.alloc(K * N + 5),
            c = heap.alloc(M * N + 2);
          for (const x of [a, b, c]) for (let i = 0; i < x.length; i++) x[i] = rng.normal();
          const expected = c.slice(1, 1 + M * N);
          const guards = [c[0], c[1 + M * N]];
          naiveSgemm(tA, tB, M, N, K, a.subarray(3), b.subarray(5), expected, acc);
          const [pa, pb, pc] = [a, b, c].map((x) => heap.addressOf(x)) as [number, number, number];
          rt.sgemm(tA, tB, M, N, K, pa + 12, tA ? M : K, pb + 20, tB ? K : N, pc + 4, N, acc);
          const got = c.subarray(1, 1 + M * N);
          let worst = 0;
          for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - expected[i]!));
          expect(worst).toBeLessThan(1e-5 * (1 + K));
          expect([c[0], c[1 + M * N]]).toEqual(guards);
          for (const x of [a, b, c]) heap.free(x);
        }
      }
    }
  });
});

describe('WasmRuntime', () => {
  it('measures a positive SIMD peak', async () => {
    const rt = await WasmRuntime.create();
    expect(rt.peakGflops(1000, 1)).toBeGreaterThan(0);
    rt.close();
  });

  it("zeroes reused blocks and fillZero targets with the kernels' bulk fill, and only those bytes", async () => {
    const rt = await WasmRuntime.create();
    const h = rt.heap;
    const a = h.alloc(1001).fill(7);
    const after = h.alloc(5).fill(9);
    h.free(a);
    const again = h.alloc(1001); // the block `a` had, zeroed
    expect(h.addressOf(again)).toBe(a.byteOffset);
    expect(again.every((v) => v === 0)).toBe(true);
    again.fill(3);
    h.fillZero(again);
    expect(again.every((v) => v === 0)).toBe(true);
    expect(Array.from(after)).toEqual([9, 9, 9, 9, 9]);
    const foreign = new Float32Array(4).fill(2);
    h.fillZero(foreign);
    expect(Array.from(foreign)).toEqual([0, 0, 0, 0]);
    rt.close();
  });

  it('rejects a thread count that is not a sensible integer', async () => {
    await expect(WasmRuntime.create({ threads: 0 })).rejects.toThrow(/threads must be an integer from 1 to 255, got 0/);
    await expect(WasmRuntime.create({ threads: 1.5 })).rejects.toThrow(/threads must be an integer from 1 to 255/);
  });

  it('keeps working on one thread after its workers are closed', async () => {
    const rt = await WasmRuntime.create({ threads: 2, parallelThreshold: 1 });
    expect(rt.threads).toBe(2);
    rt.close();
    expect(rt.threads).toBe(1);
    const h = rt.heap;
    const a = h.alloc(64).fill(1),
      b = h.alloc(64).fill(2),
      c = h.alloc(64);
    rt.sgemm(false, false, 8, 8, 8, h.addressOf(a), 8, h.addressOf(b), 8, h.addressOf(c), 8, false);
    expect(Array.from(c)).toEqual(new Array(64).fill(16));
  });

  it('runs jobs however long its threads poll before they sleep (0: almost at once), and refuses a spin out of range', async () => {
    for (const spinMicros of [-1, Number.NaN, 2e6]) {
      await expect(WasmRuntime.create({ threads: 2, spinMicros })).rejects.toThrow(
        /spinMicros must be from 0 to 1,000,000/,
      );
    }
    const rt = await WasmRuntime.create({ threads: 2, parallelThreshold: 1, spinMicros: 0 });
    const h = rt.heap;
    const a = h.alloc(128 * 64).fill(1),
      b = h.alloc(64 * 8).fill(2),
      c = h.alloc(128 * 8);
    for (let round = 0; round < 20; round++) {
      rt.sgemm(false, false, 128, 8, 64, h.addressOf(a), 64, h.addressOf(b), 8, h.addressOf(c), 8, false);
      expect(Array.from(c)).toEqual(new Array(128 * 8).fill(128));
      c.fill(0);
    }
    rt.close();
  });

  it('lets an idle worker poll for its spin, then sleep until the next job', async () => {
    const rt = await WasmRuntime.create({ threads: 2, parallelThreshold: 1, spinMicros: 300_000 });
    await rt.ready();
    const h = rt.heap;
    const [a, b, c] = [h.alloc(256 * 64).fill(1), h.alloc(64 * 64).fill(1), h.alloc(256 * 64)];
    const product = () =>
      // four chunks of 64 rows
      rt.sgemm(false, false, 256, 64, 64, h.addressOf(a), 64, h.addressOf(b), 64, h.addressOf(c), 64, false);
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    /** Milliseconds from `t0` until the worker sleeps, polled every 10 ms for at most 5 s. */
    const untilAsleep = async (t0 = performance.now()): Promise<number> => {
      while (rt.sleepingWorkers === 0 && performance.now() - t0 < 5000) await pause(10);
      return performance.now() - t0;
    };
    await untilAsleep(); // asleep after booting and its first spin
    expect(rt.sleepingWorkers).toBe(1);
    product();
    const done = performance.now();
    await pause(50);
    expect(rt.sleepingWorkers).toBe(0); // woken by the job, and polling for the next one
    // Timed from the product's end, not from 50 ms after it: a timer that fires late must not count short.
    const ms = await untilAsleep(done);
    expect(rt.sleepingWorkers).toBe(1);
    expect(ms).toBeGreaterThanOrEqual(290);
    product();
    expect(Array.from(c)).toEqual(new Array(256 * 64).fill(64));
    rt.close();
  });

  it('falls back to an unshared memory of fixed size on one thread, and says when it is full', async () => {
    const rt = await WasmRuntime.create({ threads: 2, sharedMemory: false, maxMemoryMiB: 8 });
    expect(rt.threads).toBe(1);
    expect(rt.heap.shared).toBe(false);
    const h = rt.heap;
    const a = h.alloc(64).fill(1),
      b = h.alloc(64).fill(3),
      c = h.alloc(64);
    rt.sgemm(false, true, 8, 8, 8, h.addressOf(a), 8, h.addressOf(b), 8, h.addressOf(c), 8, false);
    expect(Array.from(c)).toEqual(new Array(64).fill(24));
    expect(() => h.alloc(4 << 20)).toThrow(/out of WebAssembly memory/);
    expect(c[0]).toBe(24); // views made before stay valid: the memory never grew
  });
});
