// The WebAssembly backend's memory and elementwise kernels against autograd's CPU backend on seeded random inputs
// and special values.

import { cpuBackend, Rng } from '@tinygpt/autograd';
import type { BinaryOp, UnaryOp } from '@tinygpt/autograd';
import { assertClose } from '@tinygpt/autograd/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWasmBackend } from './backend.js';
import type { WasmBackend } from './backend.js';
import { normal, pairIn, positive, size, testBackendOptions, tol } from './testing.js';

let wasm: WasmBackend;
beforeAll(async () => {
  wasm = await createWasmBackend(testBackendOptions);
});
afterAll(() => wasm.close());
const pair = (n: number, draw: () => number) => pairIn(wasm, n, draw);
const bitsOf = (x: Float32Array): number[] => [...new Uint32Array(x.buffer, x.byteOffset, x.length)];

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
      // Without accumulating, every element is written: nothing of the NaN that was there survives.
      dx.fill(NaN);
      wdx.fill(NaN);
      cpuBackend.unaryBackward(op, x, y, dy, dx, false);
      wasm.unaryBackward(op, wx, wy, wdy, wdx, false);
      expect(wdx.some(Number.isNaN)).toBe(false);
      assertClose(wdx, dx, { ...tol, message: `${op} backward, overwriting, n=${n}` });
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

  it.each(['gelu', 'geluTanh'] as const)(
    'unaryWithDerivative %s: the bits of unary, and a derivative that times dy gives those of unaryBackward',
    (op) => {
      const rng = new Rng(`with-derivative-${op}`);
      const draw = normal(rng, 3);
      for (const n of [1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 20, 1001]) {
        const wx = wasm.alloc(n);
        for (let i = 0; i < n; i++) wx[i] = i < special.length ? special[i]! : draw();
        const [wy, wyBoth, wd] = [wasm.alloc(n), wasm.alloc(n), wasm.alloc(n)];
        wasm.unary(op, wx, wy);
        wasm.unaryWithDerivative(op, wx, wyBoth, wd);
        expect(bitsOf(wyBoth)).toEqual(bitsOf(wy));
        const [, wdy] = pair(n, normal(rng));
        for (const accumulate of [false, true]) {
          const [, viaBackward] = pair(n, normal(rng));
          const viaProduct = wasm.alloc(n);
          viaProduct.set(viaBackward);
          wasm.unaryBackward(op, wx, wy, wdy, viaBackward, accumulate);
          wasm.binary('mul', wd, [n], wdy, [n], viaProduct, [n], accumulate);
          expect(bitsOf(viaProduct), `${op} n=${n} accumulate=${accumulate}`).toEqual(bitsOf(viaBackward));
        }
      }
    },
  );

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
    [[13], [7, 13], [7, 13]],
    [
      [3, 5, 6],
      [1, 6],
      [3, 5, 6],
    ],
    [
      [1, 1, 6],
      [3, 5, 6],
      [3, 5, 6],
    ],
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
    const [c, wc] = pair(size(cShape), () => (rng.random() < 0.5 ? 0 : rng.random() < 0.5 ? 1 : -0.5));
    const [a, wa] = pair(size(aShape), normal(rng));
    const [b, wb] = pair(size(bShape), normal(rng));
    const out = new Float32Array(size(outShape)),
      wout = wasm.alloc(out.length);
    cpuBackend.where(c, cShape, a, aShape, b, bShape, out, outShape);
    wasm.where(wc, cShape, wa, aShape, wb, bShape, wout, outShape);
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
