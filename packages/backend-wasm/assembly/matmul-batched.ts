// Attention's B·nHead small products in one call, each optionally causal: a product whose result or left operand a
// causal mask cuts to a triangle skips the register tiles (or the depth) that the mask makes zero. The loop nest is
// matmul.ts's; the pieces it runs under a mask are here.
//
// The mask is that of causal attention, with a diagonal offset d: entry (i, j) of a matrix is kept when j ≤ i + d
// (attention's d = columns − rows: the last row, the newest query, keeps every key). Skipped multiply-adds would
// have added exact zeros, so a masked product gives the bits of the full product of masked operands (up to the
// sign of a zero).

import { gemv } from './gemv';
import { A_LANES, MR, NR, kernel4x8, sgemm, sgemmMasked } from './matmul';

/** The ordinary product. */
export const MASK_NONE: i32 = 0;
/** C = lower(op(A)·op(B)): C[i, j] for j ≤ i + d; the rest 0 (left as it was when accumulating). */
export const MASK_C_LOWER: i32 = 1;
/** C = lower(op(A))·op(B): op(A)[i, k] taken as 0 for k > i + d. */
export const MASK_A_LOWER: i32 = 2;
/** C = lower(X)ᵀ·op(B) with op(A) = Xᵀ: op(A)[i, k] taken as 0 for k < i − d. */
export const MASK_A_UPPER: i32 = 3;

/**
 * Zeroes the floats of the packed A block (rows ic.., depth pc.., `mc`×`kc`) that the mask drops but
 * the tiles of `maskedTiles` still read: at most MR − 1 per row, beside the diagonal.
 */
export function zeroMaskedA(mask: i32, d: i32, ic: i32, pc: i32, mc: i32, kc: i32, ap: usize): void {
  const zero = f32x4.splat(0);
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = min(MR, mc - ir);
    const panel = ap + (<usize>(ir * kc * A_LANES) << 2);
    const top = ic + ir;
    for (let r = 0; r < rows; r++) {
      const i = top + r;
      // A_LOWER: the tile reads k < top + rows + d, row i keeps k ≤ i + d.
      // A_UPPER: the tile reads k ≥ top − d, row i keeps k ≥ i − d.
      const from = mask == MASK_A_LOWER ? max(i + d + 1 - pc, 0) : max(top - d - pc, 0);
      const to = mask == MASK_A_LOWER ? min(top + rows + d - pc, kc) : min(i - d - pc, kc);
      for (let k = from; k < to; k++) v128.store(panel + (<usize>(k * MR + r) << 4), zero);
    }
  }
}

/** Zeroes the mr×nr tile of C at `c` (row stride `cStride` bytes), with vector stores when it is NR wide. */
function zeroTile(c: usize, cStride: usize, mr: i32, nr: i32): void {
  const zero = f32x4.splat(0);
  for (let i = 0; i < mr; i++) {
    const row = c + <usize>i * cStride;
    if (nr == NR) {
      v128.store(row, zero);
      v128.store(row, zero, 16);
    } else {
      for (let j = 0; j < nr; j++) store<f32>(row + (<usize>j << 2), 0);
    }
  }
}

/**
 * The masked macro-kernel, which matmul.ts's `gemmNest` runs under a mask: packed blocks as its
 * `macroKernel`, C's block at rows ic.. and columns jc.. of the whole product, depth pc... Under
 * MASK_C_LOWER a tile wholly past the diagonal is skipped (zeroed on the first depth block unless
 * accumulating into C) and one crossing it has its masked entries zeroed after (or, accumulating,
 * is added element by element); under the A masks each tile runs over the depth its rows keep.
 */
export function maskedTiles(
  mask: i32, d: i32, ic: i32, jc: i32, pc: i32, mc: i32, nc: i32, kc: i32,
  ap: usize, bp: usize, c: usize, cStride: usize, beta: bool, accumulate: bool, edge: usize,
): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const nr = min(NR, nc - jr);
    const left = jc + jr;
    const bPanel = bp + (<usize>(jr * kc) << 2);
    for (let ir = 0; ir < mc; ir += MR) {
      const mr = min(MR, mc - ir);
      const top = ic + ir;
      const cTile = c + <usize>ir * cStride + (<usize>jr << 2);
      let k0 = 0, k1 = kc;
      let crossing = false;
      if (mask == MASK_C_LOWER) {
        if (left > top + mr - 1 + d) {
          if (!beta) zeroTile(cTile, cStride, mr, nr);
          continue;
        }
        crossing = left + nr - 1 > top + d;
      } else if (mask == MASK_A_LOWER) {
        k1 = min(max(top + mr + d - pc, 0), kc);
      } else {
        k0 = min(max(top - d - pc, 0), kc);
      }
      const aPanel = ap + (<usize>((ir * kc + k0 * MR) * A_LANES) << 2);
      const bFrom = bPanel + (<usize>(k0 * NR) << 2);
      if (mr == MR && nr == NR && !(crossing && accumulate)) {
        kernel4x8(k1 - k0, aPanel, bFrom, cTile, cStride, beta);
        // A tile crossing the diagonal is computed whole, then its masked entries set back to 0.
        if (crossing) {
          for (let i = 0; i < MR; i++) {
            for (let j = max(top + i + d + 1 - left, 0); j < NR; j++) store<f32>(cTile + <usize>i * cStride + (<usize>j << 2), 0);
          }
        }
        continue;
      }
      kernel4x8(k1 - k0, aPanel, bFrom, edge, NR << 2, false);
      for (let i = 0; i < mr; i++) {
        const row = cTile + <usize>i * cStride;
        for (let j = 0; j < nr; j++) {
          const at = row + (<usize>j << 2);
          if (crossing && left + j > top + i + d) {
            if (!beta) store<f32>(at, 0);
            continue;
          }
          const v = load<f32>(edge + (<usize>(i * NR + j) << 2));
          store<f32>(at, beta ? load<f32>(at) + v : v);
        }
      }
    }
  }
}

/**
 * `batch` products C_i (+)= op(A_i)·op(B_i), each as `sgemm`, with A_i at a + i·aStride bytes (B_i,
 * C_i likewise): attention's B·nHead small products in one call. A C stride of 0 accumulates every
 * product into one result in order. `mask` (one of the MASK_ constants) and `d` make each product
 * causal. A thread pool splits the batch by advancing a, b and c.
 */
export function sgemmBatched(
  transA: bool, transB: bool, M: i32, N: i32, K: i32,
  a: usize, lda: i32, aStride: usize, b: usize, ldb: i32, bStride: usize, c: usize, ldc: i32, cStride: usize,
  accumulate: bool, batch: i32, work: usize, mask: i32, d: i32,
): void {
  // A mask that keeps every entry (one new query over its cached keys, say) is no mask.
  const keepsAll = mask == MASK_C_LOWER ? d >= N - 1 : mask == MASK_A_LOWER ? d >= K - 1 : d >= M - 1;
  if (keepsAll) mask = MASK_NONE;
  for (let i = 0; i < batch; i++) {
    const acc = accumulate || (cStride == 0 && i > 0);
    const ai = a + <usize>i * aStride, bi = b + <usize>i * bStride, ci = c + <usize>i * cStride;
    // One row of op(A) (a new token's query over its cached keys) goes through gemv: no packing, the same bits.
    if (mask == MASK_NONE && M == 1 && !transA) gemv(transB, N, K, ai, bi, ldb, ci, acc);
    else if (mask == MASK_NONE) sgemm(transA, transB, M, N, K, ai, lda, bi, ldb, ci, ldc, acc, work);
    else sgemmMasked(mask, d, transA, transB, M, N, K, ai, lda, bi, ldb, ci, ldc, acc, work);
  }
}
