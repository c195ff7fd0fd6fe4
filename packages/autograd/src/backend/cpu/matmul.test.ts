// Tests the blocked sgemm against the naive definition over many shapes, layouts, offsets and modes.
import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { sgemm } from './matmul.js';
import { sgemmBatched } from './matmul-batched.js';
import { naiveSgemm } from './matmul-reference.js';

const EPS32 = 2 ** -23;
/** The K slice over which sgemm sums in float64 before rounding into C (KC in matmul.ts). */
const SLICE = 256;

function randomArray(n: number, rng: () => number): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = rng() * 2 - 1;
  return x;
}

interface Case {
  transA: boolean;
  transB: boolean;
  M: number;
  N: number;
  K: number;
  accumulate: boolean;
  offsets?: boolean;
}

/**
 * Runs one case through both kernels on the same seeded data and checks every entry of C against the
 * reference within a float32 error bound, and that nothing outside C's window was touched.
 */
function check({ transA, transB, M, N, K, accumulate, offsets = false }: Case, rng: () => number): void {
  const aOff = offsets ? 1 + Math.floor(rng() * 5) : 0;
  const bOff = offsets ? 1 + Math.floor(rng() * 5) : 0;
  const cOff = offsets ? 1 + Math.floor(rng() * 5) : 0;
  const pad = offsets ? 3 : 0;
  const a = randomArray(aOff + M * K + pad, rng);
  const b = randomArray(bOff + K * N + pad, rng);
  const c0 = randomArray(cOff + M * N + pad, rng);
  if (!accumulate) c0.fill(Number.NaN, cOff, cOff + M * N); // must be overwritten, never read
  const fast = c0.slice();
  const ref = c0.slice();
  sgemm(transA, transB, M, N, K, a, aOff, b, bOff, fast, cOff, accumulate);
  naiveSgemm(transA, transB, M, N, K, a, aOff, b, bOff, ref, cOff, accumulate);
  // Error bound: each float32 rounding is relative to Σ|a·b| (+|c| when accumulating); sgemm rounds once
  // per K slice, plus the final store.
  const absBound = new Float32Array(M * N);
  naiveSgemm(transA, transB, M, N, K, a.map(Math.abs), aOff, b.map(Math.abs), bOff, absBound, 0, false);
  const roundings = Math.ceil(K / SLICE) + 2;
  const where = `${transA ? 'T' : 'N'}${transB ? 'T' : 'N'} M=${M} N=${N} K=${K} acc=${accumulate} offsets=${aOff},${bOff},${cOff}`;
  for (let i = 0; i < fast.length; i++) {
    const inside = i >= cOff && i < cOff + M * N;
    if (!inside) {
      if (!Object.is(fast[i], c0[i])) throw new Error(`${where}: wrote outside C at ${i}`);
      continue;
    }
    const bound = absBound[i - cOff]! + (accumulate ? Math.abs(c0[i]!) : 0);
    const tol = 2 * roundings * EPS32 * bound + 1e-30;
    const err = Math.abs(fast[i]! - ref[i]!);
    if (!(err <= tol)) throw new Error(`${where}: C[${i - cOff}] = ${fast[i]}, reference ${ref[i]} (tolerance ${tol})`);
  }
}

const LAYOUTS = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
] as const;

describe('sgemm', () => {
  it('computes a small product exactly', () => {
    // [[1, 2, 3], [4, 5, 6]] · [[7, 8], [9, 10], [11, 12]] = [[58, 64], [139, 154]]
    const c = new Float32Array(4);
    sgemm(
      false,
      false,
      2,
      2,
      3,
      Float32Array.of(1, 2, 3, 4, 5, 6),
      0,
      Float32Array.of(7, 8, 9, 10, 11, 12),
      0,
      c,
      0,
      false,
    );
    expect(Array.from(c)).toEqual([58, 64, 139, 154]);
    // The same product from transposed storage: Aᵀ stored (3, 2), Bᵀ stored (2, 3).
    const t = new Float32Array(4);
    sgemm(
      true,
      true,
      2,
      2,
      3,
      Float32Array.of(1, 4, 2, 5, 3, 6),
      0,
      Float32Array.of(7, 9, 11, 8, 10, 12),
      0,
      t,
      0,
      false,
    );
    expect(Array.from(t)).toEqual([58, 64, 139, 154]);
    // accumulate adds onto what C held.
    sgemm(
      false,
      false,
      2,
      2,
      3,
      Float32Array.of(1, 2, 3, 4, 5, 6),
      0,
      Float32Array.of(7, 8, 9, 10, 11, 12),
      0,
      c,
      0,
      true,
    );
    expect(Array.from(c)).toEqual([116, 128, 278, 308]);
  });

  it('matches the naive reference on every small shape, all four layouts, with and without accumulate', () => {
    const rng = seedrandom('sgemm-small');
    const sizes = [1, 2, 3, 4, 5, 7, 8, 9, 17];
    for (const M of sizes)
      for (const N of sizes)
        for (const K of sizes)
          for (const [transA, transB] of LAYOUTS)
            for (const accumulate of [false, true]) check({ transA, transB, M, N, K, accumulate }, rng);
  });

  it('matches the reference at offsets inside larger arrays and leaves the rest of C untouched', () => {
    const rng = seedrandom('sgemm-offsets');
    for (const [M, N, K] of [
      [1, 1, 1],
      [3, 5, 7],
      [1, 33, 9],
      [33, 1, 9],
      [13, 10, 1],
      [64, 64, 32],
      [70, 45, 260],
    ] as const)
      for (const [transA, transB] of LAYOUTS)
        for (const accumulate of [false, true]) check({ transA, transB, M, N, K, accumulate, offsets: true }, rng);
  });

  it('matches the reference across block boundaries (K > 256, M > 64, N > 256) and tile remainders', () => {
    const rng = seedrandom('sgemm-blocks');
    for (const [M, N, K] of [
      [64, 64, 32], // one attention head's (T, hs)·(hs, T)
      [65, 66, 67],
      [130, 20, 257],
      [6, 261, 300],
      [67, 259, 260],
    ] as const)
      for (const [transA, transB] of LAYOUTS)
        for (const accumulate of [false, true]) check({ transA, transB, M, N, K, accumulate }, rng);
  });

  it('matches the reference on matrix-vector products (M = 1 or N = 1), including long rows', () => {
    const rng = seedrandom('sgemm-gemv');
    for (const [M, N, K] of [
      [1, 1100, 37],
      [1, 6, 1030],
      [1030, 1, 6],
      [37, 1, 1100],
      [1, 5, 3],
      [7, 1, 2],
    ] as const)
      for (const [transA, transB] of LAYOUTS)
        for (const accumulate of [false, true]) check({ transA, transB, M, N, K, accumulate, offsets: true }, rng);
  });

  it('sums each K slice in float64 (float32 running sums would drop the small terms)', () => {
    // 1 + 255·2⁻²⁴: each 2⁻²⁴ vanishes if added to 1 in float32, but not in a float64 sum.
    const K = 256;
    const a = new Float32Array(K).fill(2 ** -24);
    a[0] = 1;
    const expected = Math.fround(1 + 255 * 2 ** -24);
    expect(expected).not.toBe(1);
    for (const [M, N, transA] of [
      [1, 1, false],
      [4, 4, false],
      [4, 4, true],
    ] as const) {
      // Every row of op(A) is `a`, every column of op(B) is all ones.
      const A = new Float32Array(M * K);
      for (let i = 0; i < M; i++) for (let k = 0; k < K; k++) A[transA ? k * M + i : i * K + k] = a[k]!;
      const c = new Float32Array(M * N);
      sgemm(transA, false, M, N, K, A, 0, new Float32Array(K * N).fill(1), 0, c, 0, false);
      expect(Array.from(c)).toEqual(new Array(M * N).fill(expected));
    }
  });

  it('with K = 0 writes zeros, or leaves C as it was when accumulating; with M or N = 0 touches nothing', () => {
    const c = Float32Array.of(5, 6, 7, 8);
    sgemm(false, false, 2, 2, 0, new Float32Array(0), 0, new Float32Array(0), 0, c, 0, true);
    expect(Array.from(c)).toEqual([5, 6, 7, 8]);
    sgemm(false, true, 2, 2, 0, new Float32Array(0), 0, new Float32Array(0), 0, c, 0, false);
    expect(Array.from(c)).toEqual([0, 0, 0, 0]);
    const d = Float32Array.of(1, 2);
    sgemm(false, false, 0, 2, 3, new Float32Array(0), 0, new Float32Array(6), 0, d, 0, false);
    sgemm(false, false, 2, 0, 3, new Float32Array(6), 0, new Float32Array(0), 0, d, 0, false);
    expect(Array.from(d)).toEqual([1, 2]);
  });

  it('gives the same bits whatever ran before it (scratch buffers carry no state)', () => {
    const rng = seedrandom('sgemm-state');
    const a = randomArray(37 * 29, rng);
    const b = randomArray(29 * 41, rng);
    const first = new Float32Array(37 * 41);
    sgemm(false, true, 37, 41, 29, a, 0, b, 0, first, 0, false);
    const big = randomArray(300 * 300, rng);
    sgemm(true, false, 300, 300, 300, big, 0, big, 0, new Float32Array(300 * 300), 0, false);
    const again = new Float32Array(37 * 41);
    sgemm(false, true, 37, 41, 29, a, 0, b, 0, again, 0, false);
    expect(again).toEqual(first);
  });

  it('rejects negative or fractional sizes and arrays too short for the shapes', () => {
    const x = new Float32Array(6);
    const c = new Float32Array(4);
    expect(() => sgemm(false, false, -1, 2, 3, x, 0, x, 0, c, 0, false)).toThrow(
      /M must be a non-negative integer, got -1/,
    );
    expect(() => sgemm(false, false, 2, 2.5, 3, x, 0, x, 0, c, 0, false)).toThrow(/N must be a non-negative integer/);
    expect(() => sgemm(false, false, 2, 2, 3, x, 1, x, 0, c, 0, false)).toThrow(
      /A needs 2×3 floats from offset 1 but has length 6/,
    );
    expect(() => sgemm(false, false, 2, 2, 3, x, 0, new Float32Array(5), 0, c, 0, false)).toThrow(/B needs 3×2 floats/);
    expect(() => sgemm(false, false, 2, 2, 3, x, 0, x, 0, c, 1, false)).toThrow(RangeError);
    expect(() => sgemm(false, false, 2, 2, 3, x, 0, x, -1, c, 0, false)).toThrow(
      /bOff must be a non-negative integer, got -1/,
    );
  });
});

describe('sgemmBatched', () => {
  /** The batched product against one naive product per batch entry, in float64-accurate tolerance. */
  function checkBatched(
    transA: boolean,
    transB: boolean,
    [M, N, K, batch]: readonly [number, number, number, number],
    [sa, sb, sc]: readonly [number, number, number],
    accumulate: boolean,
    rng: () => number,
  ): void {
    const a = randomArray(3 + Math.max(1, batch * sa) * M * K, rng);
    const b = randomArray(2 + Math.max(1, batch * sb) * K * N, rng);
    const c0 = randomArray(1 + Math.max(1, batch * sc) * M * N, rng);
    const fast = c0.slice();
    const ref = c0.slice();
    sgemmBatched(transA, transB, M, N, K, batch, a, 3, sa * M * K, b, 2, sb * K * N, fast, 1, sc * M * N, accumulate);
    for (let i = 0; i < batch; i++) {
      const acc = accumulate || (sc === 0 && i > 0);
      naiveSgemm(transA, transB, M, N, K, a, 3 + i * sa * M * K, b, 2 + i * sb * K * N, ref, 1 + i * sc * M * N, acc);
    }
    expect(fast[0]).toBe(c0[0]); // before C: untouched
    for (let i = 1; i < fast.length; i++) {
      const tol = 1e-5 * (K + 1) * (sc === 0 ? batch : 1);
      if (!(Math.abs(fast[i]! - ref[i]!) <= tol)) {
        throw new Error(
          `${transA}/${transB} ${M}×${N}×${K}×${batch} strides ${sa},${sb},${sc}: C[${i}] ${fast[i]} vs ${ref[i]}`,
        );
      }
    }
  }

  it('equals one naive product per batch entry: all four layouts, shared operands, summed results', () => {
    const rng = seedrandom('sgemm-batched');
    for (const [transA, transB] of LAYOUTS) {
      for (const strides of [
        [1, 1, 1],
        [0, 1, 1],
        [1, 0, 1],
        [1, 1, 0],
      ] as const) {
        for (const accumulate of [false, true]) {
          checkBatched(transA, transB, [5, 7, 3, 4], strides, accumulate, rng);
          checkBatched(transA, transB, [16, 16, 8, 6], strides, accumulate, rng);
        }
      }
    }
  });

  it('with batch 0 touches nothing, and rejects a negative stride', () => {
    const c = Float32Array.of(1, 2);
    sgemmBatched(false, false, 1, 2, 1, 0, new Float32Array(1), 0, 1, new Float32Array(2), 0, 2, c, 0, 2, false);
    expect(Array.from(c)).toEqual([1, 2]);
    expect(() =>
      sgemmBatched(false, false, 1, 1, 1, 1, new Float32Array(1), 0, -1, new Float32Array(1), 0, 1, c, 0, 1, false),
    ).toThrow(/aStride/);
  });
});
