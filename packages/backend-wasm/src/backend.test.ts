// Every kernel of the WebAssembly backend against autograd's CPU backend on seeded random inputs and special values.

import { cpuBackend, Rng } from '@tinygpt/autograd';
import type { BinaryOp, UnaryOp } from '@tinygpt/autograd';
import { assertClose } from '@tinygpt/autograd/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWasmBackend } from './backend.js';
import type { WasmBackend } from './backend.js';

let wasm: WasmBackend;
beforeAll(async () => {
  wasm = await createWasmBackend({ threads: 1, initialMemoryMiB: 16, poisonFreed: true });
});
afterAll(() => wasm.close());

const size = (shape: readonly number[]): number => shape.reduce((p, d) => p * d, 1);

/** Values drawn from `draw`, once as an ordinary array for the CPU backend and once in WebAssembly memory. */
function pair(n: number, draw: () => number): [Float32Array, Float32Array] {
  const cpu = new Float32Array(n);
  for (let i = 0; i < n; i++) cpu[i] = draw();
  const w = wasm.alloc(n);
  w.set(cpu);
  return [cpu, w];
}

const normal =
  (rng: Rng, scale = 1) =>
  () =>
    rng.normal() * scale;
const positive = (rng: Rng) => () => 0.05 + 3 * rng.random();

/** Float32 kernels agree to a few ulps of the values involved. */
const tol = { atol: 1e-5, rtol: 2e-5 };

describe('alloc and free', () => {
  it('hands out zero-filled buffers in WebAssembly memory and reuses freed ones', () => {
    const a = wasm.alloc(1000);
    expect(a.length).toBe(1000);
    expect(a.every((v) => v === 0)).toBe(true);
    expect(a.byteOffset % 64).toBe(0);
    a.fill(7);
    const at = a.byteOffset;
    wasm.free(a);
    const b = wasm.alloc(990);
    expect(b.byteOffset).toBe(at);
    expect(b.every((v) => v === 0)).toBe(true);
    wasm.free(b);
  });

  it('refuses to free a buffer twice or one it did not allocate', () => {
    const a = wasm.alloc(10);
    wasm.free(a);
    expect(() => wasm.free(a)).toThrow(/not allocated by this backend, or was freed already/);
    expect(() => wasm.free(new Float32Array(10))).toThrow(/not allocated/);
  });

  it('keeps memory bounded when the same shapes are allocated and freed step after step', () => {
    const shapes = [64 * 784, 784 * 128, 128, 64 * 128, 64 * 10, 1];
    for (const n of shapes) wasm.free(wasm.alloc(n));
    const before = wasm.memoryStats();
    for (let step = 0; step < 200; step++) {
      const live = shapes.map((n) => wasm.alloc(n));
      live.forEach((b) => wasm.free(b));
    }
    const after = wasm.memoryStats();
    expect(after.memoryBytes).toBe(before.memoryBytes);
    expect(after.liveBytes).toBe(before.liveBytes);
  });
});

describe('elementwise kernels match the CPU backend', () => {
  const ops: UnaryOp[] = ['neg', 'exp', 'log', 'sqrt', 'tanh', 'sigmoid', 'relu', 'gelu', 'geluTanh'];
  const special = [
    0, -0, 1e-30, -1e-30, 0.3, -0.3, 0.62, 0.63, 5, -5, 9.5, -9.5, 30, -30, 88.5, 89, -87, -100, -104, 100,
  ];
  const nonFinite = [Infinity, -Infinity, NaN];

  it.each(ops)('unary %s and its backward on random inputs of every tail length', (op) => {
    const rng = new Rng(`unary-${op}`);
    const domain = op === 'log' || op === 'sqrt' ? positive(rng) : normal(rng, 3);
    for (const n of [1, 2, 3, 4, 5, 7, 8, 1001]) {
      const [x, wx] = pair(n, domain);
      const y = new Float32Array(n),
        wy = wasm.alloc(n);
      cpuBackend.unary(op, x, y);
      wasm.unary(op, wx, wy);
      assertClose(wy, y, { ...tol, message: `${op} n=${n}` });
      const [dy, wdy] = pair(n, normal(rng));
      const [dx, wdx] = pair(n, normal(rng));
      cpuBackend.unaryBackward(op, x, y, dy, dx);
      wasm.unaryBackward(op, wx, wy, wdy, wdx);
      assertClose(wdx, dx, { ...tol, message: `${op} backward n=${n}` });
    }
  });

  it.each(ops)('unary %s on special values', (op) => {
    const values = op === 'log' || op === 'sqrt' ? special.map(Math.abs) : special;
    for (const xs of [values, nonFinite]) {
      const x = Float32Array.from(xs);
      const wx = wasm.alloc(x.length);
      wx.set(x);
      const y = new Float32Array(x.length),
        wy = wasm.alloc(x.length);
      cpuBackend.unary(op, x, y);
      wasm.unary(op, wx, wy);
      assertClose(wy, y, { atol: 1e-6, rtol: 1e-5, message: `${op}(${xs.join(', ')})` });
    }
  });

  it('powScalar and its backward for the fast powers and a general one', () => {
    const rng = new Rng('pow');
    for (const p of [2, 0.5, -1, 1, 3, 1.5, -2.5]) {
      const [x, wx] = pair(37, positive(rng));
      const y = new Float32Array(37),
        wy = wasm.alloc(37);
      cpuBackend.powScalar(x, p, y);
      wasm.powScalar(wx, p, wy);
      assertClose(wy, y, { ...tol, message: `x^${p}` });
      const [dy, wdy] = pair(37, normal(rng));
      const [dx, wdx] = pair(37, normal(rng));
      cpuBackend.powScalarBackward(x, p, dy, dx);
      wasm.powScalarBackward(wx, p, wdy, wdx);
      assertClose(wdx, dx, { ...tol, message: `d x^${p}` });
    }
  });

  const broadcasts: [number[], number[], number[]][] = [
    [[5], [5], [5]],
    [[3, 4], [1], [3, 4]],
    [[1], [3, 4], [3, 4]],
    [[7, 13], [13], [7, 13]],
    [
      [7, 1],
      [7, 13],
      [7, 13],
    ],
    [
      [2, 1, 3],
      [2, 4, 3],
      [2, 4, 3],
    ],
    [
      [4, 1],
      [1, 6],
      [4, 6],
    ],
    [
      [2, 3, 4, 5],
      [3, 1, 5],
      [2, 3, 4, 5],
    ],
    [
      [2, 3, 1, 2, 3, 5],
      [3, 4, 1, 3, 1],
      [2, 3, 4, 2, 3, 5],
    ],
    [
      [1, 1],
      [1, 1],
      [1, 1],
    ],
  ];
  const binaryOps: BinaryOp[] = ['add', 'sub', 'mul', 'div'];

  it.each(broadcasts)('binary ops broadcast %j with %j to %j, assigned and accumulated', (aShape, bShape, outShape) => {
    const rng = new Rng(`binary-${aShape}-${bShape}`);
    for (const op of binaryOps) {
      for (const acc of [false, true]) {
        const [a, wa] = pair(size(aShape), normal(rng));
        const [b, wb] = pair(size(bShape), op === 'div' ? positive(rng) : normal(rng));
        const [out, wout] = pair(size(outShape), normal(rng));
        cpuBackend.binary(op, a, aShape, b, bShape, out, outShape, acc);
        wasm.binary(op, wa, aShape, wb, bShape, wout, outShape, acc);
        assertClose(wout, out, { ...tol, message: `${op} acc=${acc}` });
      }
    }
  });

  it.each([
    [
      [2, 3],
      [2, 3],
      [2, 3],
      [2, 3],
    ],
    [[5, 5], [1], [3, 5, 5], [3, 5, 5]],
    [[1, 1, 4, 4], [2, 3, 4, 4], [1], [2, 3, 4, 4]],
    [[6], [2, 1], [1, 6], [2, 6]],
    [[2, 1, 3, 1, 2, 1], [2, 2, 3, 2, 2, 3], [1], [2, 2, 3, 2, 2, 3]],
  ])('where broadcasts %j, %j, %j to %j', (cShape, aShape, bShape, outShape) => {
    const rng = new Rng(`where-${cShape}`);
    const [c, wc] = pair(size(cShape!), () => (rng.random() < 0.5 ? 0 : rng.random() < 0.5 ? 1 : -0.5));
    const [a, wa] = pair(size(aShape!), normal(rng));
    const [b, wb] = pair(size(bShape!), normal(rng));
    const out = new Float32Array(size(outShape!)),
      wout = wasm.alloc(out.length);
    cpuBackend.where(c, cShape!, a, aShape!, b, bShape!, out, outShape!);
    wasm.where(wc, cShape!, wa, aShape!, wb, bShape!, wout, outShape!);
    assertClose(wout, out, { atol: 0, rtol: 0 });
  });

  it('axpy, scale and sumSquares', () => {
    const rng = new Rng('blas1');
    for (const n of [1, 3, 4, 9, 1000]) {
      for (const alpha of [1, -1, 0.37]) {
        const [x, wx] = pair(n, normal(rng));
        const [y, wy] = pair(n, normal(rng));
        cpuBackend.axpy(alpha, x, y);
        wasm.axpy(alpha, wx, wy);
        assertClose(wy, y, tol);
        cpuBackend.scale(y, alpha);
        wasm.scale(wy, alpha);
        assertClose(wy, y, tol);
      }
      const [x, wx] = pair(n, normal(rng));
      expect(wasm.sumSquares(wx)).toBeCloseTo(cpuBackend.sumSquares(x), 9);
    }
  });
});

describe('reductions and data movement match the CPU backend', () => {
  it.each([
    [
      [4, 5],
      [1, 5],
    ],
    [[4, 5], [5]],
    [
      [4, 5],
      [4, 1],
    ],
    [[4, 5], [1]],
    [
      [2, 3, 4],
      [3, 1],
    ],
    [
      [6, 7, 8],
      [6, 1, 8],
    ],
    [
      [3, 1000],
      [3, 1],
    ],
    [
      [2, 3, 2, 2, 3, 2],
      [3, 1, 2, 1, 2],
    ],
    [
      [3, 3],
      [3, 3],
    ],
  ])('sumTo %j → %j and broadcastTo back, assigned and accumulated', (xShape, outShape) => {
    const rng = new Rng(`sum-${xShape}`);
    for (const acc of [false, true]) {
      const [x, wx] = pair(size(xShape), normal(rng));
      const [out, wout] = pair(size(outShape), normal(rng));
      cpuBackend.sumTo(x, xShape, out, outShape, acc);
      wasm.sumTo(wx, xShape, wout, outShape, acc);
      assertClose(wout, out, { atol: 1e-5, rtol: 1e-5, message: `sumTo acc=${acc}` });
      const [big, wbig] = pair(size(xShape), normal(rng));
      cpuBackend.broadcastTo(out, outShape, big, xShape, acc);
      wasm.broadcastTo(wout, outShape, wbig, xShape, acc);
      assertClose(wbig, big, { ...tol, message: `broadcastTo acc=${acc}` });
    }
  });

  it.each([
    [
      [2, 3, 4],
      [0, 2, 1],
    ],
    [
      [2, 3, 4],
      [2, 1, 0],
    ],
    [
      [4, 6, 2, 8],
      [0, 2, 1, 3],
    ],
    [
      [33, 47],
      [1, 0],
    ],
    [
      [3, 1, 5, 2, 4],
      [4, 2, 0, 1, 3],
    ],
    [
      [2, 3, 2, 3, 2, 3],
      [5, 4, 3, 2, 1, 0],
    ],
    [
      [5, 6],
      [0, 1],
    ],
  ])('permute %j by %j, assigned and accumulated', (shape, dims) => {
    const rng = new Rng(`permute-${shape}`);
    for (const acc of [false, true]) {
      const [x, wx] = pair(size(shape), normal(rng));
      const [out, wout] = pair(size(shape), normal(rng));
      cpuBackend.permute(x, shape, dims, out, acc);
      wasm.permute(wx, shape, dims, wout, acc);
      assertClose(wout, out, { ...tol, message: `acc=${acc}` });
    }
  });

  it('copyAxis copies and accumulates slices', () => {
    const rng = new Rng('copy');
    for (const acc of [false, true]) {
      const [src, wsrc] = pair(3 * 7 * 5, normal(rng));
      const [dst, wdst] = pair(3 * 4 * 5, normal(rng));
      cpuBackend.copyAxis(src, 7, 2, dst, 4, 1, 3, 3, 5, acc);
      wasm.copyAxis(wsrc, 7, 2, wdst, 4, 1, 3, 3, 5, acc);
      assertClose(wdst, dst, tol);
    }
  });

  it('index kernels (gather, index-select, scatter, max) run the CPU code on WebAssembly memory', () => {
    const rng = new Rng('index');
    const [x, wx] = pair(6 * 4, normal(rng));
    const ids = Int32Array.from([5, 0, 2, 2]);
    const out = new Float32Array(16),
      wout = wasm.alloc(16);
    cpuBackend.indexSelect(x, 4, ids, out);
    wasm.indexSelect(wx, 4, ids, wout);
    assertClose(wout, out, { atol: 0, rtol: 0 });
    const m = new Float32Array(6),
      wm = wasm.alloc(6);
    const arg = new Int32Array(6),
      warg = new Int32Array(6);
    cpuBackend.maxTo(x, [6, 4], m, [6, 1], arg);
    wasm.maxTo(wx, [6, 4], wm, [6, 1], warg);
    assertClose(wm, m, { atol: 0, rtol: 0 });
    expect(Array.from(warg)).toEqual(Array.from(arg));
  });
});

describe('matrix multiply matches the CPU backend', () => {
  it('at offsets, every transpose, assigned and accumulated, on WebAssembly and ordinary arrays', () => {
    const rng = new Rng('sgemm');
    const [M, N, K] = [37, 29, 53];
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        for (const acc of [false, true]) {
          const [a, wa] = pair(M * K + 5, normal(rng));
          const [b, wb] = pair(K * N + 3, normal(rng));
          const [c, wc] = pair(M * N * 2, normal(rng));
          cpuBackend.sgemm(transA, transB, M, N, K, a, 5, b, 3, c, M * N, acc);
          wasm.sgemm(transA, transB, M, N, K, wa, 5, wb, 3, wc, M * N, acc);
          assertClose(wc, c, { atol: 1e-4, rtol: 1e-5 });
          // The same product on arrays outside WebAssembly memory goes through staged copies.
          const [, oc] = [null, Float32Array.from(wc)];
          wasm.sgemm(transA, transB, M, N, K, Float32Array.from(a), 5, Float32Array.from(b), 3, oc, M * N, acc);
          cpuBackend.sgemm(transA, transB, M, N, K, a, 5, b, 3, c, M * N, acc);
          assertClose(oc, c, { atol: 1e-4, rtol: 1e-5 });
        }
      }
    }
  });
});

describe('batched matrix multiply matches the CPU backend', () => {
  it('every transpose, per-product and shared operands, results of their own or summed into one', () => {
    const rng = new Rng('sgemmBatched');
    const [M, N, K, batch] = [9, 13, 7, 5];
    for (const [sa, sb, sc] of [
      [1, 1, 1],
      [0, 1, 1],
      [1, 0, 1],
      [1, 1, 0],
    ] as const) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          for (const acc of [false, true]) {
            const [a, wa] = pair(2 + M * K * batch, normal(rng));
            const [b, wb] = pair(1 + K * N * batch, normal(rng));
            const [c, wc] = pair(3 + M * N * batch, normal(rng));
            const strides = [sa * M * K, sb * K * N, sc * M * N] as const;
            cpuBackend.sgemmBatched(
              transA,
              transB,
              M,
              N,
              K,
              batch,
              a,
              2,
              strides[0],
              b,
              1,
              strides[1],
              c,
              3,
              strides[2],
              acc,
            );
            wasm.sgemmBatched(
              transA,
              transB,
              M,
              N,
              K,
              batch,
              wa,
              2,
              strides[0],
              wb,
              1,
              strides[1],
              wc,
              3,
              strides[2],
              acc,
            );
            assertClose(wc, c, { atol: 1e-4, rtol: 1e-5 });
          }
        }
      }
    }
  });
});

describe('causal softmax matches the CPU backend', () => {
  it('forward and backward, with and without cached keys, row lengths around the vector width', () => {
    const rng = new Rng('causalSoftmax');
    for (const [batch, T, Tk] of [
      [3, 5, 5],
      [2, 9, 9],
      [2, 3, 11],
      [4, 1, 6],
    ] as const) {
      const rows = batch * T;
      const [x, wx] = pair(rows * Tk, normal(rng, 3));
      const [y, wy] = pair(rows * Tk, () => Number.NaN);
      cpuBackend.causalSoftmax(x, rows, T, Tk, 0.4, y);
      wasm.causalSoftmax(wx, rows, T, Tk, 0.4, wy);
      assertClose(wy, y, tol);
      const [dy, wdy] = pair(rows * Tk, normal(rng));
      const [dx, wdx] = pair(rows * Tk, normal(rng));
      cpuBackend.causalSoftmaxBackward(y, dy, rows, T, Tk, 0.4, dx);
      wasm.causalSoftmaxBackward(wy, wdy, rows, T, Tk, 0.4, wdx);
      assertClose(wdx, dx, tol);
    }
  });
});

describe('row kernels match the CPU backend', () => {
  const shapes: [number, number][] = [
    [1, 1],
    [3, 5],
    [4, 8],
    [7, 65],
    [2, 2050],
  ];

  it.each(shapes)('softmax and log-softmax over (%i, %i), with backward', (rows, cols) => {
    const rng = new Rng(`softmax-${rows}-${cols}`);
    const [x, wx] = pair(rows * cols, normal(rng, 4));
    for (const [fwd, bwd] of [
      ['softmax', 'softmaxBackward'],
      ['logSoftmax', 'logSoftmaxBackward'],
    ] as const) {
      const y = new Float32Array(rows * cols),
        wy = wasm.alloc(rows * cols);
      cpuBackend[fwd](x, rows, cols, y);
      wasm[fwd](wx, rows, cols, wy);
      assertClose(wy, y, { ...tol, message: fwd });
      const [dy, wdy] = pair(rows * cols, normal(rng));
      const [dx, wdx] = pair(rows * cols, normal(rng));
      cpuBackend[bwd](y, dy, rows, cols, dx);
      wasm[bwd](wy, wdy, rows, cols, wdx);
      assertClose(wdx, dx, { atol: 1e-5, rtol: 1e-4, message: bwd });
    }
  });

  it('softmax of a fully masked row is NaN and of −∞ entries is 0, as on the CPU', () => {
    const x = Float32Array.from([-Infinity, -Infinity, -Infinity, 1, -Infinity, 2, 3, -Infinity, 5]);
    const wx = wasm.alloc(9);
    wx.set(x);
    const y = new Float32Array(9),
      wy = wasm.alloc(9);
    cpuBackend.softmax(x, 3, 3, y);
    wasm.softmax(wx, 3, 3, wy);
    assertClose(wy, y, tol);
    expect(Number.isNaN(wy[0]!)).toBe(true);
  });

  it.each(shapes)('cross-entropy over (%i, %i) with an ignored row, and its backward', (rows, cols) => {
    const rng = new Rng(`ce-${rows}-${cols}`);
    const [x, wx] = pair(rows * cols, normal(rng, 3));
    const targets = Int32Array.from({ length: rows }, (_, r) => (r === 1 ? -100 : rng.int(cols)));
    const lse = new Float32Array(rows),
      wlse = wasm.alloc(rows);
    const expected = cpuBackend.crossEntropy(x, rows, cols, targets, -100, lse);
    const got = wasm.crossEntropy(wx, rows, cols, targets, -100, wlse);
    expect(got.count).toBe(expected.count);
    expect(got.sum).toBeCloseTo(expected.sum, 4);
    assertClose(wlse, lse, tol);
    const [dx, wdx] = pair(rows * cols, normal(rng));
    cpuBackend.crossEntropyBackward(x, lse, rows, cols, targets, -100, 0.25, dx);
    wasm.crossEntropyBackward(wx, wlse, rows, cols, targets, -100, 0.25, wdx);
    assertClose(wdx, dx, tol);
  });

  it.each(shapes)('layer norm over (%i, %i), with and without affine parameters, and its backward', (rows, cols) => {
    const rng = new Rng(`ln-${rows}-${cols}`);
    for (const affine of [true, false]) {
      const [x, wx] = pair(rows * cols, () => 2 + rng.normal() * 3);
      const [w, ww] = pair(cols, normal(rng));
      const [b, wb] = pair(cols, normal(rng));
      const out = new Float32Array(rows * cols),
        wout = wasm.alloc(rows * cols);
      const mean = new Float32Array(rows),
        wmean = wasm.alloc(rows);
      const rstd = new Float32Array(rows),
        wrstd = wasm.alloc(rows);
      cpuBackend.layerNorm(x, rows, cols, affine ? w : null, affine ? b : null, 1e-5, out, mean, rstd);
      wasm.layerNorm(wx, rows, cols, affine ? ww : null, affine ? wb : null, 1e-5, wout, wmean, wrstd);
      assertClose(wout, out, { atol: 1e-4, rtol: 1e-4 });
      assertClose(wmean, mean, tol);
      assertClose(wrstd, rstd, { atol: 1e-5, rtol: 1e-4 });
      const [dy, wdy] = pair(rows * cols, normal(rng));
      const [dx, wdx] = pair(rows * cols, normal(rng));
      const [dw, wdw] = pair(cols, normal(rng));
      const [db, wdb] = pair(cols, normal(rng));
      cpuBackend.layerNormBackward(
        x,
        dy,
        rows,
        cols,
        affine ? w : null,
        mean,
        rstd,
        dx,
        affine ? dw : null,
        affine ? db : null,
      );
      wasm.layerNormBackward(
        wx,
        wdy,
        rows,
        cols,
        affine ? ww : null,
        wmean,
        wrstd,
        wdx,
        affine ? wdw : null,
        affine ? wdb : null,
      );
      assertClose(wdx, dx, { atol: 1e-4, rtol: 1e-4, message: 'dx' });
      assertClose(wdw, dw, { atol: 1e-4, rtol: 1e-4, message: 'dWeight' });
      assertClose(wdb, db, { atol: 1e-4, rtol: 1e-4, message: 'dBias' });
    }
  });
});

describe('optimizers match the CPU backend', () => {
  it('fused AdamW over many parameters gives the bits of adamw called on each (on one and two threads)', async () => {
    const two = await createWasmBackend({ threads: 2, initialMemoryMiB: 16 });
    try {
      for (const be of [wasm, two]) {
        const rng = new Rng('adamwMany');
        const sizes = [3, 8192, 40000, 1, 17];
        const make = () =>
          sizes.map((n, i) => {
            const [p, g, m, v] = [0, 1, 2, 3].map(() => be.alloc(n));
            return {
              p: p!,
              g: g!,
              m: m!,
              v: v!,
              step: {
                lr: i === 2 ? 3e-3 : 1e-3,
                beta1: 0.9,
                beta2: 0.99,
                eps: 1e-8,
                weightDecay: i % 2 ? 0 : 0.1,
                bc1: 0.19,
                bc2: 0.0199,
              },
            };
          });
        const fused = make();
        const single = make();
        fused.forEach((e, i) => {
          for (const k of ['p', 'g', 'm', 'v'] as const) {
            for (let j = 0; j < e[k].length; j++) e[k][j] = k === 'v' ? Math.abs(rng.normal()) : rng.normal();
            single[i]![k].set(e[k]);
          }
        });
        be.adamwMany(fused);
        for (const { p, g, m, v, step } of single) be.adamw(p, g, m, v, step);
        fused.forEach((e, i) => {
          for (const k of ['p', 'm', 'v'] as const) expect(Array.from(e[k])).toEqual(Array.from(single[i]![k]));
        });
      }
    } finally {
      two.close();
    }
  });

  it('AdamW over several steps', () => {
    const rng = new Rng('adamw');
    const n = 1003;
    const [p, wp] = pair(n, normal(rng));
    const [m, wm] = pair(n, () => 0);
    const [v, wv] = pair(n, () => 0);
    for (let t = 1; t <= 5; t++) {
      const [g, wg] = pair(n, normal(rng));
      const step = {
        lr: 1e-3,
        beta1: 0.9,
        beta2: 0.99,
        eps: 1e-8,
        weightDecay: 0.1,
        bc1: 1 - 0.9 ** t,
        bc2: 1 - 0.99 ** t,
      };
      cpuBackend.adamw(p, g, m, v, step);
      wasm.adamw(wp, wg, wm, wv, step);
    }
    assertClose(wp, p, { atol: 1e-6, rtol: 1e-5 });
    assertClose(wm, m, { atol: 1e-6, rtol: 1e-5 });
    assertClose(wv, v, { atol: 1e-7, rtol: 1e-5 });
  });

  it('SGD with and without momentum', () => {
    const rng = new Rng('sgd');
    for (const momentum of [0, 0.9]) {
      const n = 101;
      const [p, wp] = pair(n, normal(rng));
      const [buf, wbuf] = pair(n, () => 0);
      for (let t = 0; t < 3; t++) {
        const [g, wg] = pair(n, normal(rng));
        const step = { lr: 0.1, momentum, weightDecay: 0.01 };
        cpuBackend.sgd(p, g, momentum ? buf : null, step);
        wasm.sgd(wp, wg, momentum ? wbuf : null, step);
      }
      assertClose(wp, p, tol);
    }
  });
});
