// Single-precision matrix multiply on Float32Array, C = op(A)·op(B): cache-blocked, packed, register-tiled
// (the GotoBLAS/BLIS scheme of Goto & van de Geijn, "Anatomy of High-Performance Matrix Multiplication", 2008).
//
// The loops, outermost first: column blocks of C (NC wide) → slices of K (KC deep; B's KC×NC block is packed)
// → row blocks of C (MC tall; A's MC×KC block is packed) → 4-wide column panels → 4-tall row panels → a 4×4
// micro-kernel that keeps its 16 sums in local variables (mostly registers) for the whole KC slice. Packing
// copies each block into a small Float64Array scratch in exactly the order the micro-kernel reads it, which is
// also where transposes are absorbed: each of the four (transA, transB) cases only changes the strides the
// packing reads with.
//
// What makes V8 fast here: the scratch buffers are module-level constants, so TurboFan embeds their address
// and length; their lengths are powers of two, so an index masked with `& (length − 1)` is known to be a small
// non-negative integer, which spares the overflow and sign-extension work around each load (about 3 % faster
// than `| 0`); the micro-kernel's operands are float64 already (no float32→float64 conversion per multiply);
// and every function sees one shape of arguments only (monomorphic). The scratch (640 KiB) is allocated once,
// when the module loads, and reused by every call.
//
// A product with M = 1 or N = 1 is a matrix–vector product and takes a path without packing (a packed 4×4
// tile would be three-quarters padding); that path lives in gemv.ts.
//
// Every index stays inside its array because `sgemm` checks each operand's span on entry, so the typed-array
// reads below carry a `!` (a type assertion only: the emitted JavaScript has no check per element).

import { gemvAxpy, gemvDot } from './gemv.js';

/** Rows of C per micro-kernel call (register tile height). */
const MR = 4;
/** Columns of C per micro-kernel call (register tile width). */
const NR = 4;
/** Depth of a K slice: one micro-panel of B (KC×NR float64 = 8 KiB) stays in L1 across a row block. */
const KC = 256;
/** Rows of A packed at once (MC×KC float64 = 128 KiB, L2-resident while the panels of B sweep past). */
const MC = 64;
/** Columns of B packed at once (KC×NC float64 = 512 KiB). */
const NC = 256;

/** Packed A block: row panels of MR rows, each stored k-major (MR values per k). */
const packedA = new Float64Array(MC * KC);
const A_MASK = MC * KC - 1;
/** Packed B block: column panels of NR columns, each stored k-major (NR values per k). */
const packedB = new Float64Array(KC * NC);
const B_MASK = KC * NC - 1;
/** A finished tile that only partly fits inside C (at the bottom or right edge). */
const edgeTile = new Float64Array(MR * NR);

/**
 * Packs the mc×kc block of A at `base` (element (i, k) at base + i·si + k·sk) into `packedA` as row panels
 * of MR rows, k-major; rows past mc are zero.
 */
function packA(a: Float32Array, base: number, si: number, sk: number, mc: number, kc: number): void {
  let p = 0;
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = Math.min(MR, mc - ir);
    let s = base + ir * si;
    if (rows === MR) {
      for (let k = 0; k < kc; k++, s += sk, p += MR) {
        packedA[p] = a[s]!;
        packedA[p + 1] = a[s + si]!;
        packedA[p + 2] = a[s + 2 * si]!;
        packedA[p + 3] = a[s + 3 * si]!;
      }
    } else {
      for (let k = 0; k < kc; k++, s += sk, p += MR) {
        for (let r = 0; r < MR; r++) packedA[p + r] = r < rows ? a[s + r * si]! : 0;
      }
    }
  }
}

/**
 * Packs the kc×nc block of B at `base` (element (k, j) at base + k·sk + j·sj) into `packedB` as column
 * panels of NR columns, k-major; columns past nc are zero.
 */
function packB(b: Float32Array, base: number, sk: number, sj: number, kc: number, nc: number): void {
  let p = 0;
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = Math.min(NR, nc - jr);
    let s = base + jr * sj;
    if (cols === NR) {
      for (let k = 0; k < kc; k++, s += sk, p += NR) {
        packedB[p] = b[s]!;
        packedB[p + 1] = b[s + sj]!;
        packedB[p + 2] = b[s + 2 * sj]!;
        packedB[p + 3] = b[s + 3 * sj]!;
      }
    } else {
      for (let k = 0; k < kc; k++, s += sk, p += NR) {
        for (let q = 0; q < NR; q++) packedB[p + q] = q < cols ? b[s + q * sj]! : 0;
      }
    }
  }
}

/**
 * The 4×4 micro-kernel: sums kc rank-1 updates of the A panel at `ai` and the B panel at `bi` in 16
 * registers, then writes (or, when `add`, adds) the rows×cols part that lies inside C at `co` (row stride ldc).
 */
function kernel4x4(
  kc: number,
  ai: number,
  bi: number,
  c: Float32Array,
  co: number,
  ldc: number,
  rows: number,
  cols: number,
  add: boolean,
): void {
  let c00 = 0,
    c01 = 0,
    c02 = 0,
    c03 = 0;
  let c10 = 0,
    c11 = 0,
    c12 = 0,
    c13 = 0;
  let c20 = 0,
    c21 = 0,
    c22 = 0,
    c23 = 0;
  let c30 = 0,
    c31 = 0,
    c32 = 0,
    c33 = 0;
  for (let k = 0; k < kc; k++) {
    const a0 = packedA[ai & A_MASK]!,
      a1 = packedA[(ai + 1) & A_MASK]!;
    const a2 = packedA[(ai + 2) & A_MASK]!,
      a3 = packedA[(ai + 3) & A_MASK]!;
    const b0 = packedB[bi & B_MASK]!,
      b1 = packedB[(bi + 1) & B_MASK]!;
    const b2 = packedB[(bi + 2) & B_MASK]!,
      b3 = packedB[(bi + 3) & B_MASK]!;
    c00 += a0 * b0;
    c01 += a0 * b1;
    c02 += a0 * b2;
    c03 += a0 * b3;
    c10 += a1 * b0;
    c11 += a1 * b1;
    c12 += a1 * b2;
    c13 += a1 * b3;
    c20 += a2 * b0;
    c21 += a2 * b1;
    c22 += a2 * b2;
    c23 += a2 * b3;
    c30 += a3 * b0;
    c31 += a3 * b1;
    c32 += a3 * b2;
    c33 += a3 * b3;
    ai = (ai + MR) | 0;
    bi = (bi + NR) | 0;
  }
  if (rows === MR && cols === NR) {
    const r1 = co + ldc,
      r2 = r1 + ldc,
      r3 = r2 + ldc;
    if (add) {
      c[co]! += c00;
      c[co + 1]! += c01;
      c[co + 2]! += c02;
      c[co + 3]! += c03;
      c[r1]! += c10;
      c[r1 + 1]! += c11;
      c[r1 + 2]! += c12;
      c[r1 + 3]! += c13;
      c[r2]! += c20;
      c[r2 + 1]! += c21;
      c[r2 + 2]! += c22;
      c[r2 + 3]! += c23;
      c[r3]! += c30;
      c[r3 + 1]! += c31;
      c[r3 + 2]! += c32;
      c[r3 + 3]! += c33;
    } else {
      c[co] = c00;
      c[co + 1] = c01;
      c[co + 2] = c02;
      c[co + 3] = c03;
      c[r1] = c10;
      c[r1 + 1] = c11;
      c[r1 + 2] = c12;
      c[r1 + 3] = c13;
      c[r2] = c20;
      c[r2 + 1] = c21;
      c[r2 + 2] = c22;
      c[r2 + 3] = c23;
      c[r3] = c30;
      c[r3 + 1] = c31;
      c[r3 + 2] = c32;
      c[r3 + 3] = c33;
    }
    return;
  }
  edgeTile[0] = c00;
  edgeTile[1] = c01;
  edgeTile[2] = c02;
  edgeTile[3] = c03;
  edgeTile[4] = c10;
  edgeTile[5] = c11;
  edgeTile[6] = c12;
  edgeTile[7] = c13;
  edgeTile[8] = c20;
  edgeTile[9] = c21;
  edgeTile[10] = c22;
  edgeTile[11] = c23;
  edgeTile[12] = c30;
  edgeTile[13] = c31;
  edgeTile[14] = c32;
  edgeTile[15] = c33;
  for (let r = 0; r < rows; r++) {
    const o = co + r * ldc;
    for (let q = 0; q < cols; q++) c[o + q] = add ? c[o + q]! + edgeTile[r * NR + q]! : edgeTile[r * NR + q]!;
  }
}

/** Throws a RangeError unless `v` is a non-negative integer. */
export function checkCount(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0) throw new RangeError(`sgemm: ${name} must be a non-negative integer, got ${v}`);
}

/** Throws a RangeError unless `length` holds rows×cols floats from `off`. */
export function checkSpan(
  name: string,
  offName: string,
  rows: number,
  cols: number,
  off: number,
  length: number,
): void {
  checkCount(offName, off);
  if (off + rows * cols > length) {
    throw new RangeError(`sgemm: ${name} needs ${rows}×${cols} floats from offset ${off} but has length ${length}`);
  }
}

/**
 * C (M×N, row-major at `cOff`) = op(A) · op(B), or C += op(A) · op(B) when `accumulate`.
 * op(A) is M×K: A is stored row-major as (M, K), or as (K, M) when `transA`.
 * op(B) is K×N: B is stored row-major as (K, N), or as (N, K) when `transB`.
 * Sums are formed in float64 over slices of up to 256 along K, so the result is at least as accurate as a
 * float32 dot product. C must not overlap A or B. Throws a RangeError when a size or offset is negative or
 * not an integer, or an array is too short for it.
 *
 * @example
 * const a = Float32Array.of(1, 2, 3, 4, 5, 6); // (2, 3)
 * const b = Float32Array.of(7, 8, 9, 10, 11, 12); // (3, 2)
 * const c = new Float32Array(4);
 * sgemm(false, false, 2, 2, 3, a, 0, b, 0, c, 0, false); // c = [58, 64, 139, 154]
 */
export function sgemm(
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  a: Float32Array,
  aOff: number,
  b: Float32Array,
  bOff: number,
  c: Float32Array,
  cOff: number,
  accumulate: boolean,
): void {
  checkCount('M', M);
  checkCount('N', N);
  checkCount('K', K);
  checkSpan('A', 'aOff', M, K, aOff, a.length);
  checkSpan('B', 'bOff', K, N, bOff, b.length);
  checkSpan('C', 'cOff', M, N, cOff, c.length);
  if (M === 0 || N === 0) return;
  if (K === 0) {
    if (!accumulate) c.fill(0, cOff, cOff + M * N);
    return;
  }
  // op(A) is a row vector (its storage is contiguous either way): c = x·op(B).
  if (M === 1) {
    if (transB) gemvDot(N, K, b, bOff, a, aOff, c, cOff, accumulate);
    else gemvAxpy(K, N, b, bOff, a, aOff, c, cOff, accumulate);
    return;
  }
  // op(B) is a column vector: c = op(A)·x.
  if (N === 1) {
    if (transA) gemvAxpy(K, M, a, aOff, b, bOff, c, cOff, accumulate);
    else gemvDot(M, K, a, aOff, b, bOff, c, cOff, accumulate);
    return;
  }
  // Strides of op(A)(i, k) and op(B)(k, j) in storage.
  const asi = transA ? 1 : K,
    ask = transA ? M : 1;
  const bsk = transB ? 1 : N,
    bsj = transB ? K : 1;
  for (let jc = 0; jc < N; jc += NC) {
    const nc = Math.min(NC, N - jc);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = Math.min(KC, K - pc);
      const add = accumulate || pc > 0;
      packB(b, bOff + pc * bsk + jc * bsj, bsk, bsj, kc, nc);
      for (let ic = 0; ic < M; ic += MC) {
        const mc = Math.min(MC, M - ic);
        packA(a, aOff + ic * asi + pc * ask, asi, ask, mc, kc);
        for (let jr = 0; jr < nc; jr += NR) {
          const cols = Math.min(NR, nc - jr);
          const co = cOff + ic * N + jc + jr;
          for (let ir = 0; ir < mc; ir += MR) {
            kernel4x4(kc, ir * kc, jr * kc, c, co + ir * N, N, Math.min(MR, mc - ir), cols, add);
          }
        }
      }
    }
  }
}
