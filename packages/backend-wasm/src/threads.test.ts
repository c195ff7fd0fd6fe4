// Kernels split across two threads give exactly the bits of one thread.

import { Rng } from '@tinygpt/autograd';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createWasmBackend } from './backend.js';
import type { WasmBackend } from './backend.js';
import { ThreadPool } from './pool.js';
import type { ChunkPlan } from './pool.js';

// Each float is computed by the same instructions however the work is split, so two threads
// must give exactly the bits one thread gives.
let one: WasmBackend;
let two: WasmBackend;
beforeAll(async () => {
  one = await createWasmBackend({ threads: 1, initialMemoryMiB: 32 });
  two = await createWasmBackend({ threads: 2, initialMemoryMiB: 32 });
  await two.ready(); // every job below is shared by both threads
});
afterAll(() => {
  one.close();
  two.close();
});

/** The same values in both backends' memories. */
function both(n: number, rng: Rng, scale = 1): [Float32Array, Float32Array] {
  const a = one.alloc(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal() * scale;
  const b = two.alloc(n);
  b.set(a);
  return [a, b];
}

function expectSameBits(a: Float32Array, b: Float32Array): void {
  expect(b.length).toBe(a.length);
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  let differ = 0;
  for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) differ++;
  expect(differ).toBe(0);
}

describe('two threads give the bits of one', () => {
  it('causal softmax, forward and backward, shared out in whole groups of T rows', () => {
    const rng = new Rng('causal');
    const [T, Tk, rows] = [64, 64, 48 * 64];
    const [x1, x2] = both(rows * Tk, rng, 3);
    const [y1, y2] = both(rows * Tk, rng);
    one.causalSoftmax(x1, rows, T, Tk, 0.25, y1);
    two.causalSoftmax(x2, rows, T, Tk, 0.25, y2);
    expectSameBits(y1, y2);
    const [dy1, dy2] = both(rows * Tk, rng);
    const [dx1, dx2] = both(rows * Tk, rng);
    one.causalSoftmaxBackward(y1, dy1, rows, T, Tk, 0.25, dx1);
    two.causalSoftmaxBackward(y2, dy2, rows, T, Tk, 0.25, dx2);
    expectSameBits(dx1, dx2);
    for (const b of [x1, y1, dy1, dx1]) one.free(b);
    for (const b of [x2, y2, dy2, dx2]) two.free(b);
  });

  it('batched matmul: shared out by product, or in order when results sum into one, every transpose', () => {
    const rng = new Rng('batched');
    const [M, N, K, batch] = [64, 64, 32, 24]; // attention's B·nHead products of the baby config
    for (const [sa, sb, sc] of [
      [1, 1, 1],
      [0, 1, 1],
      [1, 1, 0],
    ] as const) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          const [a1, a2] = both(M * K * batch, rng);
          const [b1, b2] = both(K * N * batch, rng);
          const [c1, c2] = both(M * N * batch, rng);
          const run = (be: WasmBackend, a: Float32Array, b: Float32Array, c: Float32Array) =>
            be.sgemmBatched(transA, transB, M, N, K, batch, a, 0, sa * M * K, b, 0, sb * K * N, c, 0, sc * M * N, true);
          run(one, a1, b1, c1);
          run(two, a2, b2, c2);
          expectSameBits(c1, c2);
          for (const x of [a1, b1, c1]) one.free(x);
          for (const x of [a2, b2, c2]) two.free(x);
        }
      }
    }
  });

  it('starts its workers with the first shared job, without waiting: the first jobs run on the threads already up, same bits', async () => {
    const fresh = await createWasmBackend({ threads: 2, initialMemoryMiB: 32 });
    try {
      const rng = new Rng('fresh-pool');
      const [M, N, K] = [256, 256, 64]; // 2²² multiply-adds: split into chunks for both threads
      const a = new Float32Array(M * K).map(() => rng.normal());
      const b = new Float32Array(K * N).map(() => rng.normal());
      const expected = new Float32Array(M * N);
      one.sgemm(false, false, M, N, K, a, 0, b, 0, expected, 0, false);
      const product = () => {
        const [fa, fb, fc] = [fresh.alloc(M * K), fresh.alloc(K * N), fresh.alloc(M * N)];
        fa.set(a);
        fb.set(b);
        fresh.sgemm(false, false, M, N, K, fa, 0, fb, 0, fc, 0, false);
        return fc;
      };
      expect(fresh.runtime.workersStarted).toBe(false);
      const small = fresh.alloc(16);
      fresh.sgemm(false, false, 4, 4, 4, small, 0, small, 0, fresh.alloc(16), 0, false);
      expect(fresh.runtime.workersStarted).toBe(false); // a product for one thread boots nobody
      expectSameBits(expected, product()); // the first shared job starts the worker, and runs before it is up
      expect(fresh.runtime.workersStarted).toBe(true);
      await fresh.ready();
      expectSameBits(expected, product()); // shared with it
    } finally {
      fresh.close();
    }
  });

  it('reports its threads', () => {
    expect(one.threads).toBe(1);
    expect(two.threads).toBe(2);
  });

  /**
   * An M×N·K sgemm on one thread and on two, every transpose, overwriting and accumulating: the
   * same bits each time; `check` gets the kernels and chunk plans of the jobs the two threads ran.
   */
  function sgemmBothWays(
    M: number,
    N: number,
    K: number,
    rng: Rng,
    check: (jobs: [kernel: string, plan: ChunkPlan][]) => void,
  ): void {
    const run = vi.spyOn(ThreadPool.prototype, 'run');
    try {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          const [a1, a2] = both(M * K, rng);
          const [b1, b2] = both(K * N, rng);
          const [c1, c2] = both(M * N, rng);
          for (const acc of [false, true]) {
            run.mockClear();
            one.sgemm(transA, transB, M, N, K, a1, 0, b1, 0, c1, 0, acc);
            two.sgemm(transA, transB, M, N, K, a2, 0, b2, 0, c2, 0, acc);
            expectSameBits(c1, c2);
            check(run.mock.calls.map((call) => [call[0], call[2]]));
          }
          for (const x of [a1, b1, c1]) one.free(x);
          for (const x of [a2, b2, c2]) two.free(x);
        }
      }
    } finally {
      run.mockRestore();
    }
  }

  it('sgemm split by rows shares one packed op(B), packed on both threads or on this one, whole or in slabs', () => {
    const rng = new Rng('threads-shared-pack-rows');
    for (const [M, N, K, packJobs, slabs] of [
      [301, 67, 129, 0, 1], // a shared operand of 8 643 floats: packed on this thread
      [301, 300, 516, 1, 1], // 154 800 floats: packed by both threads, K four floats past a depth block
      // 1.01·2²⁰ floats, more than the shared buffer: slabs of 192 columns (packed by both threads) and 5
      [203, 197, 5381, 1, 2],
    ] as const) {
      sgemmBothWays(M, N, K, rng, (jobs) => {
        expect(jobs.filter(([k]) => k === 'sgemmPackB')).toHaveLength(packJobs);
        expect(jobs.filter(([k]) => k === 'sgemmPackedB')).toHaveLength(slabs);
      });
    }
  });

  it('sgemm split by columns runs one ordinary sgemm per chunk, as many for each thread, each packing op(A) itself', () => {
    const rng = new Rng('threads-columns');
    for (const [M, N, K, chunk] of [
      [64, 128, 784, 32], // MNIST's first layer: four chunks of 32 columns
      [64, 384, 128, 96], // sampling's qkv: four chunks of 96 columns
      [64, 192, 128, 96], // three chunks of 64 columns (2¹⁹ multiply-adds each) would leave one thread two: two of 96
      [64, 128, 128, 64], // sampling's attention output, 2²⁰ multiply-adds: two chunks
      [35, 517, 200, 136], // at least 2¹⁹ multiply-adds a chunk: 75 columns; 517 / 4 is 130, 136 in whole tiles
      [67, 301, 5381, 80], // op(A) four times 2²⁰ floats packed: no shared buffer would hold it
    ] as const) {
      sgemmBothWays(M, N, K, rng, (jobs) => {
        expect(jobs.map(([k, plan]) => [k, plan.total, plan.chunk])).toEqual([['sgemm', N, chunk]]);
      });
    }
  });

  it('keeps a product too small for a worker on this thread, and splits a large one in chunks of at least 2¹⁹ multiply-adds', () => {
    const run = vi.spyOn(ThreadPool.prototype, 'run');
    try {
      const rng = new Rng('threads-small');
      for (const [M, N, K] of [
        [64, 128, 64], // MNIST's hidden layer: 2¹⁹ multiply-adds
        [128, 128, 128], // 2²¹: two chunks of 64 rows
        [784, 128, 64], // MNIST's first weight gradient, 6.3·2²⁰: four chunks
      ] as const) {
        const [, a] = both(M * K, rng);
        const [, b] = both(K * N, rng);
        const c = two.alloc(M * N);
        run.mockClear();
        two.sgemm(false, false, M, N, K, a, 0, b, 0, c, 0, false);
        const plans = run.mock.calls.map((call) => call[2]);
        if (M * N * K < 1 << 20) expect(plans).toEqual([]);
        else {
          expect(plans).toHaveLength(1);
          const plan = plans[0]!;
          expect(plan.total).toBe(M);
          expect(plan.chunk * N * K).toBeGreaterThanOrEqual(1 << 19);
          expect(Math.ceil(plan.total / plan.chunk)).toBeGreaterThanOrEqual(2);
        }
      }
    } finally {
      run.mockRestore();
    }
  });

  it('elementwise kernels over 300 001 floats', () => {
    const rng = new Rng('threads-elementwise');
    const n = 300_001;
    const [x1, x2] = both(n, rng, 2);
    const [y1, y2] = both(n, rng);
    for (const op of ['gelu', 'relu', 'exp'] as const) {
      one.unary(op, x1, y1);
      two.unary(op, x2, y2);
      expectSameBits(y1, y2);
      const [d1, d2] = both(n, rng);
      one.unaryBackward(op, x1, y1, x1, d1);
      two.unaryBackward(op, x2, y2, x2, d2);
      expectSameBits(d1, d2);
    }
    for (const op of ['gelu', 'geluTanh'] as const) {
      const [d1, d2] = both(n, rng);
      one.unaryWithDerivative(op, x1, y1, d1);
      two.unaryWithDerivative(op, x2, y2, d2);
      expectSameBits(y1, y2);
      expectSameBits(d1, d2);
    }
    for (const acc of [false, true]) {
      one.binary('mul', x1, [n], y1, [n], y1, [n], acc);
      two.binary('mul', x2, [n], y2, [n], y2, [n], acc);
      expectSameBits(y1, y2);
    }
    one.axpy(0.5, x1, y1);
    two.axpy(0.5, x2, y2);
    expectSameBits(y1, y2);
    const [m1, m2] = both(n, rng);
    const [v1, v2] = both(n, rng);
    v1.forEach((v, i) => (v1[i] = v2[i] = v * v));
    const step = { lr: 1e-3, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.1, bc1: 0.1, bc2: 0.01 };
    one.adamw(y1, x1, m1, v1, step);
    two.adamw(y2, x2, m2, v2, step);
    expectSameBits(y1, y2);
    expectSameBits(m1, m2);
    expectSameBits(v1, v2);
    one.sgd(y1, x1, m1, { lr: 0.1, momentum: 0.9, weightDecay: 0.01 });
    two.sgd(y2, x2, m2, { lr: 0.1, momentum: 0.9, weightDecay: 0.01 });
    expectSameBits(y1, y2);
    expectSameBits(m1, m2);
  });

  it('row kernels over 3 001 rows of 65', () => {
    const rng = new Rng('threads-rows');
    const [rows, cols] = [3001, 65];
    const [x1, x2] = both(rows * cols, rng, 3);
    for (const [fwd, bwd] of [
      ['softmax', 'softmaxBackward'],
      ['logSoftmax', 'logSoftmaxBackward'],
    ] as const) {
      const [y1, y2] = both(rows * cols, rng);
      one[fwd](x1, rows, cols, y1);
      two[fwd](x2, rows, cols, y2);
      expectSameBits(y1, y2);
      const [d1, d2] = both(rows * cols, rng);
      one[bwd](y1, x1, rows, cols, d1);
      two[bwd](y2, x2, rows, cols, d2);
      expectSameBits(d1, d2);
    }
    const [w1, w2] = both(cols, rng);
    const [o1, o2] = both(rows * cols, rng);
    const [mu1, mu2] = both(rows, rng);
    const [rs1, rs2] = both(rows, rng);
    one.layerNorm(x1, rows, cols, w1, null, 1e-5, o1, mu1, rs1);
    two.layerNorm(x2, rows, cols, w2, null, 1e-5, o2, mu2, rs2);
    expectSameBits(o1, o2);
    expectSameBits(mu1, mu2);
    expectSameBits(rs1, rs2);
  });

  it('still knows its arrays after the shared memory grows under the workers', () => {
    const before = two.alloc(1000);
    const big = two.alloc(40 << 18); // 40 MiB more than the 32 MiB it started with
    const after = two.alloc(1000);
    for (const x of [before, big, after]) expect(two.runtime.heap.addressOf(x)).toBe(x.byteOffset);
    before.fill(2);
    two.unary('exp', before, after);
    expect(after[999]).toBeCloseTo(Math.exp(2), 5);
    two.free(big);
  });
});
