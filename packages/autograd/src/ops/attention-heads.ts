// Attention's per-head products with every operand read where it lies: heads inside the (B, T, 3·C) q, k, v
// projection, the (B, nHead, T, T) weights, and the (B, T, C) output with the heads side by side.

import { getBackend } from '../backend/active.js';
import { showShape } from '../shape.js';
import type { GemmMask } from '../backend/backend.js';
import type { Tensor } from '../tensor.js';

/** A (B, T, 3·C) projection split into nHead heads of hs = C / nHead channels. */
export interface Heads {
  B: number;
  T: number;
  C: number;
  nHead: number;
  hs: number;
}

/** The head layout of `qkv` (B, T, 3·C) for `nHead` heads; throws with `op`'s name when it has none. */
export function headsOf(op: string, qkv: Tensor, nHead: number): Heads {
  if (qkv.ndim !== 3 || qkv.shape[2]! % 3 !== 0) {
    throw new Error(`${op}: needs a (B, T, 3·C) query, key, value projection, got ${showShape(qkv.shape)}`);
  }
  const [B, T, threeC] = qkv.shape as [number, number, number];
  const C = threeC / 3;
  if (!Number.isInteger(nHead) || nHead < 1 || C % nHead !== 0) {
    throw new Error(`${op}: nHead must be a positive integer dividing C = ${C}, got ${nHead}`);
  }
  return { B, T, C, nHead, hs: C / nHead };
}

/**
 * Where the matrices of one operand (or result) of the head products lie in `data`: head 0 of
 * sequence 0 at `off`, each head `head` floats further, each sequence `seq`, rows `row` apart.
 */
export interface HeadMatrices {
  data: Float32Array;
  off: number;
  head: number;
  seq: number;
  row: number;
}

/** Part `part` (0 queries, 1 keys, 2 values) of a (B, T, 3·C) projection: (T, hs) per head. */
export const projected = ({ T, C, hs }: Heads, data: Float32Array, part: number): HeadMatrices => ({
  data,
  off: part * C,
  head: hs,
  seq: T * 3 * C,
  row: 3 * C,
});

/** (B, nHead, T, T) weights or scores: (T, T) per head. */
export const weights = ({ T, nHead }: Heads, data: Float32Array): HeadMatrices => ({
  data,
  off: 0,
  head: T * T,
  seq: nHead * T * T,
  row: T,
});

/** (B, T, C) with the heads side by side: (T, hs) per head. */
export const merged = ({ T, C, hs }: Heads, data: Float32Array): HeadMatrices => ({
  data,
  off: 0,
  head: hs,
  seq: T * C,
  row: C,
});

/**
 * For every head, the B products C (+)= op(A)·op(B) (M×K by K×N) under `mask` about diagonal 0:
 * one batched call per head over the sequences.
 */
export function headProducts(
  { B, nHead }: Heads,
  transA: boolean,
  transB: boolean,
  [M, N, K]: readonly [number, number, number],
  a: HeadMatrices,
  b: HeadMatrices,
  c: HeadMatrices,
  accumulate: boolean,
  mask: GemmMask,
): void {
  const be = getBackend();
  const lead = { a: a.row, b: b.row, c: c.row };
  for (let h = 0; h < nHead; h++) {
    const [ao, bo, co] = [a.off + h * a.head, b.off + h * b.head, c.off + h * c.head];
    be.sgemmBatched(
      transA,
      transB,
      M,
      N,
      K,
      B,
      a.data,
      ao,
      a.seq,
      b.data,
      bo,
      b.seq,
      c.data,
      co,
      c.seq,
      accumulate,
      mask,
      0,
      lead,
    );
  }
}
