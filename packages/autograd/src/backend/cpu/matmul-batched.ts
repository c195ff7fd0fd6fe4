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

/** Copies `rows` rows of `cols` floats, `fromLd` apart in `from` (at fromOff), `toLd` apart in `to` (at toOff). */
function copyRows(
  rows: number,
  cols: number,
  from: Float32Array,
  fromOff: number,
  fromLd: number,
  to: Float32Array,
  toOff: number,
  toLd: number,
): void {
  for (const [array, off, ld] of [
    [from, fromOff, fromLd],
    [to, toOff, toLd],
  ] as const) {
    if (rows > 0 && off + (rows - 1) * ld + cols > array.length) {
      throw new RangeError(
        `sgemm: ${rows} rows of ${cols} floats ${ld} apart from offset ${off} overrun ${array.length}`,
      );
    }
  }
  for (let r = 0; r < rows; r++)
    to.set(from.subarray(fromOff + r * fromLd, fromOff + r * fromLd + cols), toOff + r * toLd);
}

/** Dense copies of strided operands and result, for `sgemmBatched` with `lead`. */
let packedA = new Float32Array(0);
let packedB = new Float32Array(0);
let packedC = new Float32Array(0);

/** `sgemmBatched` on rows `lead` floats apart: each product's operands copied dense, its C copied back. */
function stridedProducts(
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
  mask: GemmMask,
  diagonal: number,
  lead: GemmLeading,
): void {
  const [aRows, aCols] = transA ? [K, M] : [M, K];
  const [bRows, bCols] = transB ? [N, K] : [K, N];
  for (const [name, ld, cols] of [
    ['lead.a', lead.a, aCols],
    ['lead.b', lead.b, bCols],
    ['lead.c', lead.c, N],
  ] as const) {
    if (!Number.isInteger(ld) || ld < cols)
      throw new RangeError(`sgemm: ${name} must be an integer ≥ ${cols}, got ${ld}`);
  }
  if (packedA.length < M * K) packedA = new Float32Array(M * K);
  if (packedB.length < K * N) packedB = new Float32Array(K * N);
  if (packedC.length < M * N) packedC = new Float32Array(M * N);
  for (let i = 0; i < batch; i++) {
    const acc = accumulate || (cStride === 0 && i > 0);
    const co = cOff + i * cStride;
    copyRows(aRows, aCols, a, aOff + i * aStride, lead.a, packedA, 0, aCols);
    copyRows(bRows, bCols, b, bOff + i * bStride, lead.b, packedB, 0, bCols);
    if (acc) copyRows(M, N, c, co, lead.c, packedC, 0, N);
    sgemmBatched(transA, transB, M, N, K, 1, packedA, 0, 0, packedB, 0, 0, packedC, 0, 0, acc, mask, diagonal);
    copyRows(M, N, packedC, 0, N, c, co, lead.c);
  }
}

/**
 * `batch` products C_i (+)= op(A_i)·op(B_i), A_i at aOff + i·aStride (B_i and C_i likewise), each an
 * `sgemm`; strides of 0 reuse one operand (or, for C, accumulate into one result in order). `mask`
 * and `diagonal` make each product causal (see `GemmMask`). With `lead`, rows lie that many floats
 * apart (see `GemmLeading`): each product's operands are copied dense, and its C copied back.
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
    stridedProducts(
      transA,
      transB,
      M,
      N,
      K,
      batch,
      a,
      aOff,
      aStride,
      b,
      bOff,
      bStride,
      c,
      cOff,
      cStride,
      accumulate,
      mask,
      diagonal,
      lead,
    );
    return;
  }
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
