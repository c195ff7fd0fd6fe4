// Batched products (attention's B·nHead small ones), each optionally under a causal mask. The mask is applied
// to copies (of op(A), or of C's masked entries), so a masked product gives exactly the bits of `sgemm` on
// operands that are already zero where masked — as attention's are — without skipping any work.

import type { GemmLeading, GemmMask } from '../backend.js';
import { checkCount, sgemm } from './matmul.js';

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
  const masked = scratchOf(M * K);
  for (let i = 0; i < M; i++) {
    for (let k = 0; k < K; k++) {
      const keep = mask === 'lowerA' ? kept(i, k, d) : kept(k, i, d);
      masked[i * K + k] = keep ? a[aOff + (transA ? k * M + i : i * K + k)]! : 0;
    }
  }
  sgemm(false, transB, M, N, K, masked, 0, b, bOff, c, cOff, accumulate);
}

/** Dense copies of one product's strided operands and result, for `sgemmBatched` with `lead`. */
let denseA = new Float32Array(0);
let denseB = new Float32Array(0);
let denseC = new Float32Array(0);

/** One operand of a batched product as stored: its array, first offset, stride between products, and row stride. */
export interface GemmOperand {
  array: Float32Array;
  offset: number;
  stride: number;
  lead: number;
}

/**
 * Throws a RangeError unless the sizes, offsets and strides are non-negative integers, each row
 * stride holds at least its rows (A's rows hold K floats, M when transposed; B's N, K when
 * transposed; C's N), and all `batch` products' A, B and C lie inside their arrays: checked before
 * anything is read or written, so a refused call changes nothing. Both backends make it, `sgemm`
 * as a batch of one; the wasm kernels would otherwise run into the memory of other tensors.
 */
export function checkGemmSpans(
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  batch: number,
  a: GemmOperand,
  b: GemmOperand,
  c: GemmOperand,
): void {
  checkCount('M', M);
  checkCount('N', N);
  checkCount('K', K);
  checkCount('batch', batch);
  checkOperand('a', a, transA ? K : M, transA ? M : K, batch);
  checkOperand('b', b, transB ? N : K, transB ? K : N, batch);
  checkOperand('c', c, M, N, batch);
}

/** The names of each operand's offset and stride in error messages. */
const ARGUMENT_NAMES = { a: ['aOff', 'aStride'], b: ['bOff', 'bStride'], c: ['cOff', 'cStride'] } as const;

/** The part of {@link checkGemmSpans} for one operand, stored as `rows` rows of `cols` floats. */
function checkOperand(key: 'a' | 'b' | 'c', op: GemmOperand, rows: number, cols: number, batch: number): void {
  const { array, offset, stride, lead } = op;
  checkCount(ARGUMENT_NAMES[key][0], offset);
  checkCount(ARGUMENT_NAMES[key][1], stride);
  if (!Number.isInteger(lead) || lead < cols) {
    throw new RangeError(`sgemmBatched: lead.${key} must be an integer ≥ ${cols}, got ${lead}`);
  }
  if (batch === 0 || rows === 0 || cols === 0) return;
  if (offset + (batch - 1) * stride + (rows - 1) * lead + cols <= array.length) return;
  const apart = lead === cols ? '' : `, rows ${lead} apart,`;
  const products = batch === 1 ? '' : `${batch} products ${stride} apart, each `;
  throw new RangeError(
    `sgemm: ${key.toUpperCase()} needs ${products}${rows}×${cols} floats${apart} from offset ${offset} ` +
      `but has length ${array.length}`,
  );
}

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
 * Operands that run past their arrays are refused before any product runs ({@link checkGemmSpans}).
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
  if (!Number.isInteger(diagonal)) throw new RangeError(`diagonal must be an integer, got ${diagonal}`);
  const [la, lb, lc] = [lead?.a ?? (transA ? M : K), lead?.b ?? (transB ? K : N), lead?.c ?? N];
  checkGemmSpans(
    transA,
    transB,
    M,
    N,
    K,
    batch,
    { array: a, offset: aOff, stride: aStride, lead: la },
    { array: b, offset: bOff, stride: bStride, lead: lb },
    { array: c, offset: cOff, stride: cStride, lead: lc },
  );
  if (lead) {
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
