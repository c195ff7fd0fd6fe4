// Batched products (attention's B·nHead small ones), each optionally under a causal mask. The mask is applied
// to copies (of op(A), or of C's masked entries), so a masked product gives exactly the bits of `sgemm` on
// operands that are already zero where masked — as attention's are — without skipping any work.

import type { GemmLeading, GemmMask } from '../backend.js';
import { checkCount, checkSpan, sgemm } from './matmul.js';

/** Scratch for a masked op(A) or C's masked entries, grown as products need. */
let scratch = new Float32Array(0);

function scratchOf(n: number): Float32Array {
  if (scratch.length < n) scratch = new Float32Array(n);
  return scratch;
}

/** Whether entry (i, j) is kept by the causal mask with offset `d`. */
const kept = (i: number, j: number, d: number): boolean => j <= i + d;

/** One product under `mask` (not 'none'): see `GemmMask`. */
function maskedProduct(
  mask: GemmMask,
  d: number,
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
  if (mask === 'lowerC') {
    // The ordinary product, then C's masked entries zeroed, or put back when accumulating.
    const saved = accumulate ? scratchOf(M * N) : null;
    let n = 0;
    if (saved) {
      for (let i = 0; i < M; i++) for (let j = Math.max(i + d + 1, 0); j < N; j++) saved[n++] = c[cOff + i * N + j]!;
    }
    sgemm(transA, transB, M, N, K, a, aOff, b, bOff, c, cOff, accumulate);
    n = 0;
    for (let i = 0; i < M; i++) {
      for (let j = Math.max(i + d + 1, 0); j < N; j++) c[cOff + i * N + j] = saved ? saved[n++]! : 0;
    }
    return;
  }
  // op(A) copied row-major with its masked entries zeroed.
  checkSpan('A', 'aOff', M, K, aOff, a.length);
  const masked = scratchOf(M * K);
  for (let i = 0; i < M; i++) {
    for (let k = 0; k < K; k++) {
      const keep = mask === 'lowerA' ? kept(i, k, d) : kept(k, i, d);
      masked[i * K + k] = keep ? a[aOff + (transA ? k * M + i : i * K + k)]! : 0;
    }
  }
  sgemm(false, transB, M, N, K, masked, 0, b, bOff, c, cOff, accumulate);
}

/**
 * Throws a RangeError unless each of A, B and C's rows lies a whole number of floats, `lead` of them,
 * after the one before, no fewer than it holds (A's rows hold K floats, M when transposed; B's N, K
 * when transposed; C's N). Shared by the backends' `sgemmBatched`.
 */
export function checkGemmLeading(
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  lead: GemmLeading,
): void {
  const widths = { a: transA ? M : K, b: transB ? K : N, c: N };
  for (const key of ['a', 'b', 'c'] as const) {
    if (!Number.isInteger(lead[key]) || lead[key] < widths[key]) {
      throw new RangeError(`sgemmBatched: lead.${key} must be an integer ≥ ${widths[key]}, got ${lead[key]}`);
    }
  }
}

/** Dense copies of one product's strided operands and result, for `sgemmBatched` with `lead`. */
let denseA = new Float32Array(0);
let denseB = new Float32Array(0);
let denseC = new Float32Array(0);

/**
 * Copies `rows` rows of `cols` floats between `strided` (from `off`, rows `ld` apart) and the dense
 * `dense`: into it, or back out of it when `back`.
 */
function copyRows(
  rows: number,
  cols: number,
  strided: Float32Array,
  off: number,
  ld: number,
  dense: Float32Array,
  back = false,
): void {
  if (rows > 0 && off + (rows - 1) * ld + cols > strided.length) {
    throw new RangeError(
      `sgemm: ${rows} rows of ${cols} floats ${ld} apart from offset ${off} overrun ${strided.length}`,
    );
  }
  for (let r = 0; r < rows; r++) {
    const at = off + r * ld;
    if (back) strided.set(dense.subarray(r * cols, (r + 1) * cols), at);
    else dense.set(strided.subarray(at, at + cols), r * cols);
  }
}

/**
 * `batch` products C_i (+)= op(A_i)·op(B_i), A_i at aOff + i·aStride (B_i and C_i likewise), each an
 * `sgemm`; strides of 0 reuse one operand (or, for C, accumulate into one result in order). `mask`
 * and `diagonal` make each product causal (see `GemmMask`). With `lead`, rows lie that many floats
 * apart (see `GemmLeading`): each product runs on dense copies of its operands, and its C is copied back.
 *
 * @example
 * // (2, 2, 3)·(2, 3, 2): two products, operands and results packed one after the other
 * sgemmBatched(false, false, 2, 2, 3, 2, a, 0, 6, b, 0, 6, c, 0, 4, false);
 */
export function sgemmBatched(
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  batch: number,
  a: Float32Array,
  aOff: number,
  aStride: number,
  b: Float32Array,
  bOff: number,
  bStride: number,
  c: Float32Array,
  cOff: number,
  cStride: number,
  accumulate: boolean,
  mask: GemmMask = 'none',
  diagonal = 0,
  lead?: GemmLeading,
): void {
  checkCount('batch', batch);
  for (const [name, stride] of [
    ['aStride', aStride],
    ['bStride', bStride],
    ['cStride', cStride],
  ] as const) {
    checkCount(name, stride);
  }
  if (!Number.isInteger(diagonal)) throw new RangeError(`diagonal must be an integer, got ${diagonal}`);
  if (lead) {
    checkGemmLeading(transA, transB, M, N, K, lead);
    if (denseA.length < M * K) denseA = new Float32Array(M * K);
    if (denseB.length < K * N) denseB = new Float32Array(K * N);
    if (denseC.length < M * N) denseC = new Float32Array(M * N);
  }
  for (let i = 0; i < batch; i++) {
    // With cStride 0 every product after the first adds into the one result.
    const acc = accumulate || (cStride === 0 && i > 0);
    let [A, ao, B, bo, C, co] = [a, aOff + i * aStride, b, bOff + i * bStride, c, cOff + i * cStride];
    if (lead) {
      copyRows(transA ? K : M, transA ? M : K, a, ao, lead.a, denseA);
      copyRows(transB ? N : K, transB ? K : N, b, bo, lead.b, denseB);
      if (acc) copyRows(M, N, c, co, lead.c, denseC);
      [A, ao, B, bo, C, co] = [denseA, 0, denseB, 0, denseC, 0];
    }
    if (mask === 'none') sgemm(transA, transB, M, N, K, A, ao, B, bo, C, co, acc);
    else maskedProduct(mask, diagonal, transA, transB, M, N, K, A, ao, B, bo, C, co, acc);
    if (lead) copyRows(M, N, c, cOff + i * cStride, lead.c, denseC, true);
  }
}
