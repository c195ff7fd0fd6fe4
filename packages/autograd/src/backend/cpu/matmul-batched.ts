// Batched products (attention's B·nHead small ones), each optionally under a causal mask. The mask is applied
// to copies (of op(A), or of C's masked entries), so a masked product gives exactly the bits of `sgemm` on
// operands that are already zero where masked — as attention's are — without skipping any work.

import type { GemmMask } from '../backend.js';
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
 * `batch` products C_i (+)= op(A_i)·op(B_i), A_i at aOff + i·aStride (B_i and C_i likewise), each an
 * `sgemm`; strides of 0 reuse one operand (or, for C, accumulate into one result in order). `mask`
 * and `diagonal` make each product causal (see `GemmMask`).
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
  for (let i = 0; i < batch; i++) {
    // With cStride 0 every product after the first adds into the one result.
    const acc = accumulate || (cStride === 0 && i > 0);
    const ao = aOff + i * aStride,
      bo = bOff + i * bStride,
      co = cOff + i * cStride;
    if (mask === 'none') sgemm(transA, transB, M, N, K, a, ao, b, bo, c, co, acc);
    else maskedProduct(mask, diagonal, transA, transB, M, N, K, a, ao, b, bo, c, co, acc);
  }
}
