// The WebAssembly backend's reductions, data movement and matrix multiplies against autograd's CPU backend on seeded
// random inputs.

import { cpuBackend, Rng } from '@tinygpt/autograd';
import { assertClose } from '@tinygpt/autograd/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWasmBackend } from './backend.js';
import type { WasmBackend } from './backend.js';
import { normal, pairIn, size, testBackendOptions, tol } from './testing.js';

let wasm: WasmBackend;
beforeAll(async () => {
  wasm = await createWasmBackend(testBackendOptions);
});
afterAll(() => wasm.close());
const pair = (n: number, draw: () => number) => pairIn(wasm, n, draw);

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

  it('index kernels (gather, index-select, scatter, max) on WebAssembly memory give the CPU results', () => {
    const rng = new Rng('index');
    const [x, wx] = pair(6 * 4, normal(rng));
    const ids = Int32Array.from([5, 0, 2, 2]);
    const out = new Float32Array(16),
      wout = wasm.alloc(16);
    cpuBackend.indexSelect(x, 4, ids, out);
    wasm.indexSelect(wx, 4, ids, wout);
    assertClose(wout, out, { atol: 0, rtol: 0 });
    // An output outside the memory, and one made after the memory grew (a new buffer object).
    const plain = new Float32Array(16);
    wasm.indexSelect(wx, 4, ids, plain);
    assertClose(plain, out, { atol: 0, rtol: 0 });
    const big = wasm.alloc(8 << 20); // 32 MiB: the memory grows
    const later = wasm.alloc(16);
    wasm.indexSelect(wx, 4, ids, later);
    assertClose(later, out, { atol: 0, rtol: 0 });
    wasm.free(big);
    // The gradient: rows of dy added into the rows they were taken from, repeated ids in order, to the bit.
    const manyIds = Int32Array.from({ length: 300 }, () => rng.int(6));
    for (const rowSize of [1, 3, 4, 7, 128]) {
      const [dy, wdy] = pair(manyIds.length * rowSize, normal(rng));
      const [dx, wdx] = pair(6 * rowSize, normal(rng));
      cpuBackend.indexSelectBackward(dy, rowSize, manyIds, dx);
      wasm.indexSelectBackward(wdy, rowSize, manyIds, wdx);
      expect(new Uint32Array(wdx.buffer, wdx.byteOffset, wdx.length)).toEqual(new Uint32Array(dx.buffer));
    }
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

describe('batched products on rows with strides of their own (column windows of wider rows)', () => {
  // Attention's heads inside the projection: op(A) and op(B) read as windows of rows `ld` floats
  // wide, C written into a window of its own; the floats between windows must stay untouched.
  const [M, N, K, batch] = [6, 5, 7, 4];
  const pad = 3;
  const masks = ['none', 'lowerC', 'lowerA', 'upperA'] as const;
  const cases = [false, true].flatMap((transA) =>
    [false, true].flatMap((transB) =>
      [false, true].flatMap((acc) => masks.map((mask) => [transA, transB, acc, mask] as const)),
    ),
  );

  for (const threads of [1, 2]) {
    it(`${threads} thread(s): the CPU backend's bits, every transpose, mask and accumulation`, async () => {
      const be =
        threads === 1 ? wasm : await createWasmBackend({ ...testBackendOptions, threads, parallelThreshold: 1 });
      const rng = new Rng(`lead-${threads}`);
      try {
        for (const [transA, transB, acc, mask] of cases) {
          // Masked products square in their masked matrix, as attention's: M = K under lowerA or upperA, M = N under lowerC.
          const [m, n, k] = mask === 'none' ? [M, N, K] : [M, mask === 'lowerC' ? M : N, M];
          const [aRows, aCols] = transA ? [k, m] : [m, k];
          const [bRows, bCols] = transB ? [n, k] : [k, n];
          const lead = { a: aCols + pad, b: bCols + pad + 1, c: n + pad + 2 };
          const [a, wa] = pairIn(be, batch * aRows * lead.a, normal(rng));
          const [b, wb] = pairIn(be, batch * bRows * lead.b, normal(rng));
          const [c, wc] = pairIn(be, batch * m * lead.c, normal(rng));
          const [sa, sb, sc] = [aRows * lead.a, bRows * lead.b, m * lead.c];
          const args = [transA, transB, m, n, k, batch] as const;
          cpuBackend.sgemmBatched(...args, a, 1, sa, b, 2, sb, c, 1, sc, acc, mask, 0, lead);
          be.sgemmBatched(...args, wa, 1, sa, wb, 2, sb, wc, 1, sc, acc, mask, 0, lead);
          assertClose(wc, c, { atol: 1e-4, rtol: 1e-5, message: `${[transA, transB, acc, mask].join(', ')}` });
          // Between C's windows every float is as drawn (the CPU backend writes only the windows back).
          for (let i = 0; i < batch * m - 1; i++) {
            for (let j = n; j < lead.c; j++) expect(wc[1 + i * lead.c + j]).toBe(c[1 + i * lead.c + j]);
          }
        }
      } finally {
        if (be !== wasm) be.close();
      }
    });
  }

  it('equals the product of the windows copied out, to the bit, on the CPU backend', () => {
    const rng = new Rng('lead-dense');
    const ld = K + 4;
    const a = Float32Array.from({ length: batch * M * ld }, normal(rng));
    const b = Float32Array.from({ length: batch * K * N }, normal(rng));
    const dense = new Float32Array(batch * M * K);
    for (let i = 0; i < batch * M; i++) dense.set(a.subarray(i * ld, i * ld + K), i * K);
    const [c1, c2] = [new Float32Array(batch * M * N), new Float32Array(batch * M * N)];
    cpuBackend.sgemmBatched(false, false, M, N, K, batch, a, 0, M * ld, b, 0, K * N, c1, 0, M * N, false, 'none', 0, {
      a: ld,
      b: N,
      c: N,
    });
    cpuBackend.sgemmBatched(false, false, M, N, K, batch, dense, 0, M * K, b, 0, K * N, c2, 0, M * N, false);
    expect(c1).toEqual(c2);
  });

  it('refuses a row stride narrower than the rows, on both backends, and rows past the end', () => {
    const [a, wa] = pairIn(wasm, 64, () => 1);
    const [c, wc] = pairIn(wasm, 64, () => 1);
    const lead = { a: 2, b: 4, c: 4 };
    expect(() =>
      cpuBackend.sgemmBatched(false, false, 2, 4, 3, 1, a, 0, 0, a, 0, 0, c, 0, 0, false, 'none', 0, lead),
    ).toThrow('lead.a must be an integer ≥ 3, got 2');
    expect(() =>
      wasm.sgemmBatched(false, false, 2, 4, 3, 1, wa, 0, 0, wa, 0, 0, wc, 0, 0, false, 'none', 0, lead),
    ).toThrow('lead.a must be an integer ≥ 3, got 2');
    const wide = { a: 62, b: 4, c: 4 };
    const message = 'sgemm: A needs 2×3 floats, rows 62 apart, from offset 0 but has length 64';
    expect(() =>
      cpuBackend.sgemmBatched(false, false, 2, 4, 3, 1, a, 0, 0, a, 0, 0, c, 0, 0, false, 'none', 0, wide),
    ).toThrow(message);
    expect(() =>
      wasm.sgemmBatched(false, false, 2, 4, 3, 1, wa, 0, 0, wa, 0, 0, wc, 0, 0, false, 'none', 0, wide),
    ).toThrow(message);
  });

  it('refuses operands that run past their arrays before writing anything, on both backends', () => {
    // Products the kernels would run past an array's end: into the memory of other tensors on wasm.
    const calls: [string, (be: typeof cpuBackend, a: Float32Array, b: Float32Array, c: Float32Array) => void][] = [
      ['sgemm: C needs 4×4 floats from offset 1 but has length 16', (be, a, b, c) =>
        be.sgemm(false, false, 4, 4, 4, a, 0, b, 0, c, 1, false)],
      ['sgemm: B needs 4×4 floats from offset 4 but has length 16', (be, a, b, c) =>
        be.sgemm(true, true, 4, 4, 4, a, 0, b, 4, c, 0, true)],
      // The fourth product's C runs past the end: the first three must not have been written either.
      ['sgemm: C needs 4 products 4 apart, each 2×2 floats from offset 1 but has length 16', (be, a, b, c) =>
        be.sgemmBatched(false, false, 2, 2, 2, 4, a, 0, 4, b, 0, 4, c, 1, 4, false)],
      ['sgemm: A needs 3 products 6 apart, each 2×2 floats, rows 4 apart, from offset 0 but has length 16',
        (be, a, b, c) => be.sgemmBatched(false, false, 2, 2, 2, 3, a, 0, 6, b, 0, 4, c, 0, 4, false, 'lowerC', 0,
          { a: 4, b: 2, c: 2 })],
    ]; // prettier-ignore
    const rng = new Rng(5);
    for (const [message, call] of calls) {
      for (const be of [cpuBackend, wasm] as const) {
        const [a, b, c] = [0, 1, 2].map(() => {
          const x = be.alloc(16);
          for (let i = 0; i < 16; i++) x[i] = rng.normal();
          return x;
        }) as [Float32Array, Float32Array, Float32Array];
        const before = c.slice();
        expect(() => call(be, a, b, c), message).toThrow(message);
        expect(c).toEqual(before);
        if (be !== cpuBackend) [a, b, c].forEach((x) => be.free(x));
      }
    }
  });
});
