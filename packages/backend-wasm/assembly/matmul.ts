// Single-precision GEMM in WebAssembly SIMD: C = op(A)·op(B) (+ C), blocked and packed after Goto & van de Geijn (2008).
//
// Loop nest (BLIS naming): jc over N in NC-wide blocks, pc over K in KC-deep blocks (pack B),
// ic over M in MC-tall blocks (pack A), then jr/ir over NR-wide and MR-tall register tiles.
// The packed A block (MC×KC) stays in L2, one packed B micro-panel (KC×NR) in L1, and the
// MR×NR tile of C in eight v128 registers for the whole KC-long inner loop.
//
// A is packed with each float in all four lanes, so the inner loop reads it with plain v128 loads.
// V8 (Node 20, x64) folds a v128.load's offset into the instruction but adds a load32_splat's
// offset in an instruction of its own: the loop of 8 multiply-adds was 26 instructions, three of
// them such additions, and is 23. On an AMD EPYC (Zen 3), where the old loop ran at about 85 % of
// the peak loop, one-thread products of the transformer's shapes got 5–11 % faster.

import { MASK_C_LOWER, MASK_NONE, maskedTiles, zeroMaskedA } from './matmul-batched';

/** Rows of C in the register tile. */
export const MR: i32 = 4;
/** Columns of C in the register tile (two v128 per row). */
export const NR: i32 = 8;
/**
 * Depth of a packed block: KC×NR floats (16 KiB) of B stay in L1 across a whole row of tiles, and
 * C's tiles are loaded and stored once per KC of depth (K = 512, a 4·128 MLP's, is one block).
 */
export const KC: i32 = 512;
/** Height of a packed A block: MC×KC floats, 4 lanes each (256 KiB), fit in L2. */
export const MC: i32 = 32;
/** Width of a packed B block: KC×NC floats (512 KiB) stay in L2 while every A block of a column block passes. */
export const NC: i32 = 256;

/** Floats of a packed A element: the float in every lane of a v128. */
export const A_LANES: i32 = 4;

/** Bytes of scratch one `sgemm` call needs: packed A block, packed B block and one edge tile. */
export function sgemmWorkspaceBytes(): i32 {
  return (MC * KC * A_LANES + KC * NC + MR * NR) * 4;
}

/**
 * c + a·b: one fused multiply-add where the module is built with relaxed SIMD (the `relaxed`
 * variant, chosen at load time when the runtime validates it), a multiply and an add otherwise.
 */
@inline export function madd(c: v128, a: v128, b: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

/**
 * The register tile: C[0..4, 0..8] (row stride `ldc` bytes) = beta·C + Ap·Bp over `kc` steps,
 * where Ap holds 4 vectors (one float of A in all lanes each) and Bp 8 floats per step. `beta` is
 * 0 (overwrite) or 1 (accumulate).
 */
export function kernel4x8(kc: i32, ap: usize, bp: usize, c: usize, ldc: usize, beta: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let a = v128.load(ap);
    c00 = madd(c00, a, b0);
    c01 = madd(c01, a, b1);
    a = v128.load(ap, 16);
    c10 = madd(c10, a, b0);
    c11 = madd(c11, a, b1);
    a = v128.load(ap, 32);
    c20 = madd(c20, a, b0);
    c21 = madd(c21, a, b1);
    a = v128.load(ap, 48);
    c30 = madd(c30, a, b0);
    c31 = madd(c31, a, b1);
    ap += 64;
    bp += 32;
  }
  if (beta) {
    c00 = f32x4.add(c00, v128.load(c));
    c01 = f32x4.add(c01, v128.load(c, 16));
    c10 = f32x4.add(c10, v128.load(c + ldc));
    c11 = f32x4.add(c11, v128.load(c + ldc, 16));
    c20 = f32x4.add(c20, v128.load(c + 2 * ldc));
    c21 = f32x4.add(c21, v128.load(c + 2 * ldc, 16));
    c30 = f32x4.add(c30, v128.load(c + 3 * ldc));
    c31 = f32x4.add(c31, v128.load(c + 3 * ldc, 16));
  }
  v128.store(c, c00);
  v128.store(c, c01, 16);
  v128.store(c + ldc, c10);
  v128.store(c + ldc, c11, 16);
  v128.store(c + 2 * ldc, c20);
  v128.store(c + 2 * ldc, c21, 16);
  v128.store(c + 3 * ldc, c30);
  v128.store(c + 3 * ldc, c31, 16);
}

/**
 * Packs rows [i0, i0+mc) × depth [p0, p0+kc) of op(A) into MR-row panels: panel p holds, for each
 * k, the MR floats op(A)[i0+p·MR .. +MR, p0+k], each in all four lanes of a v128; rows past `mc`
 * are zero.
 * A is row-major with row stride `lda` (elements): op(A)[i, k] = A[i·lda + k], or A[k·lda + i] when `trans`.
 */
export function packA(trans: bool, a: usize, lda: i32, i0: i32, p0: i32, mc: i32, kc: i32, dst: usize): void {
  const stride = <usize>lda << 2;
  for (let ip = 0; ip < mc; ip += MR) {
    const rows = min(MR, mc - ip);
    if (trans) {
      let src = a + (((<usize>p0 * lda) + i0 + ip) << 2);
      if (rows == MR) {
        for (let k = 0; k < kc; k++) {
          v128.store(dst, v128.load32_splat(src));
          v128.store(dst, v128.load32_splat(src, 4), 16);
          v128.store(dst, v128.load32_splat(src, 8), 32);
          v128.store(dst, v128.load32_splat(src, 12), 48);
          src += stride;
          dst += 64;
        }
      } else {
        for (let k = 0; k < kc; k++) {
          for (let r = 0; r < MR; r++) v128.store(dst + (r << 4), f32x4.splat(r < rows ? load<f32>(src + (r << 2)) : 0));
          src += stride;
          dst += 64;
        }
      }
    } else {
      const r0 = a + ((<usize>(i0 + ip) * lda + p0) << 2);
      let k = 0;
      if (rows == MR) {
        const r1 = r0 + stride, r2 = r1 + stride, r3 = r2 + stride;
        // Four rows, four k at a time: each float spread over a vector.
        for (; k + 4 <= kc; k += 4) {
          const off = <usize>k << 2;
          const x0 = v128.load(r0 + off), x1 = v128.load(r1 + off);
          const x2 = v128.load(r2 + off), x3 = v128.load(r3 + off);
          v128.store(dst, i32x4.shuffle(x0, x0, 0, 0, 0, 0));
          v128.store(dst, i32x4.shuffle(x1, x1, 0, 0, 0, 0), 16);
          v128.store(dst, i32x4.shuffle(x2, x2, 0, 0, 0, 0), 32);
          v128.store(dst, i32x4.shuffle(x3, x3, 0, 0, 0, 0), 48);
          v128.store(dst, i32x4.shuffle(x0, x0, 1, 1, 1, 1), 64);
          v128.store(dst, i32x4.shuffle(x1, x1, 1, 1, 1, 1), 80);
          v128.store(dst, i32x4.shuffle(x2, x2, 1, 1, 1, 1), 96);
          v128.store(dst, i32x4.shuffle(x3, x3, 1, 1, 1, 1), 112);
          v128.store(dst, i32x4.shuffle(x0, x0, 2, 2, 2, 2), 128);
          v128.store(dst, i32x4.shuffle(x1, x1, 2, 2, 2, 2), 144);
          v128.store(dst, i32x4.shuffle(x2, x2, 2, 2, 2, 2), 160);
          v128.store(dst, i32x4.shuffle(x3, x3, 2, 2, 2, 2), 176);
          v128.store(dst, i32x4.shuffle(x0, x0, 3, 3, 3, 3), 192);
          v128.store(dst, i32x4.shuffle(x1, x1, 3, 3, 3, 3), 208);
          v128.store(dst, i32x4.shuffle(x2, x2, 3, 3, 3, 3), 224);
          v128.store(dst, i32x4.shuffle(x3, x3, 3, 3, 3, 3), 240);
          dst += 256;
        }
      }
      for (; k < kc; k++) {
        const off = <usize>k << 2;
        for (let r = 0; r < MR; r++) {
          v128.store(dst + (r << 4), r < rows ? v128.load32_splat(r0 + <usize>r * stride + off) : f32x4.splat(0));
        }
        dst += 64;
      }
    }
  }
}

/**
 * Packs depth [p0, p0+kc) × columns [j0, j0+nc) of op(B) into NR-column panels: panel p holds, for
 * each k, the NR floats op(B)[p0+k, j0+p·NR .. +NR]; columns past `nc` are zero.
 * B is row-major with row stride `ldb`: op(B)[k, j] = B[k·ldb + j], or B[j·ldb + k] when `trans`.
 */
export function packB(trans: bool, b: usize, ldb: i32, p0: i32, j0: i32, kc: i32, nc: i32, dst: usize): void {
  const stride = <usize>ldb << 2;
  for (let jp = 0; jp < nc; jp += NR) {
    const cols = min(NR, nc - jp);
    if (!trans) {
      let src = b + ((<usize>p0 * ldb + j0 + jp) << 2);
      if (cols == NR) {
        for (let k = 0; k < kc; k++) {
          v128.store(dst, v128.load(src));
          v128.store(dst, v128.load(src, 16), 16);
          src += stride;
          dst += 32;
        }
      } else {
        for (let k = 0; k < kc; k++) {
          for (let j = 0; j < NR; j++) store<f32>(dst + (j << 2), j < cols ? load<f32>(src + (j << 2)) : 0);
          src += stride;
          dst += 32;
        }
      }
    } else {
      const c0 = b + ((<usize>(j0 + jp) * ldb + p0) << 2);
      if (cols == NR) {
        let k = 0;
        // Two 4×4 transposes per four k: columns 0–3 and 4–7 of the panel.
        for (; k + 4 <= kc; k += 4) {
          const off = <usize>k << 2;
          for (let h = 0; h < 2; h++) {
            const base = c0 + <usize>(h * 4) * stride + off;
            const x0 = v128.load(base), x1 = v128.load(base + stride);
            const x2 = v128.load(base + 2 * stride), x3 = v128.load(base + 3 * stride);
            const t0 = i32x4.shuffle(x0, x1, 0, 4, 1, 5);
            const t1 = i32x4.shuffle(x2, x3, 0, 4, 1, 5);
            const t2 = i32x4.shuffle(x0, x1, 2, 6, 3, 7);
            const t3 = i32x4.shuffle(x2, x3, 2, 6, 3, 7);
            const d = dst + (<usize>h << 4);
            v128.store(d, i64x2.shuffle(t0, t1, 0, 2));
            v128.store(d, i64x2.shuffle(t0, t1, 1, 3), 32);
            v128.store(d, i64x2.shuffle(t2, t3, 0, 2), 64);
            v128.store(d, i64x2.shuffle(t2, t3, 1, 3), 96);
          }
          dst += 128;
        }
        for (; k < kc; k++) {
          const off = <usize>k << 2;
          for (let j = 0; j < NR; j++) store<f32>(dst + (j << 2), load<f32>(c0 + <usize>j * stride + off));
          dst += 32;
        }
      } else {
        for (let k = 0; k < kc; k++) {
          const off = <usize>k << 2;
          for (let j = 0; j < NR; j++) {
            store<f32>(dst + (j << 2), j < cols ? load<f32>(c0 + <usize>j * stride + off) : 0);
          }
          dst += 32;
        }
      }
    }
  }
}

/**
 * One packed A block (`mc` rows, in MR panels) times one packed B block (`nc` columns, in NR
 * panels), both `kc` deep: C[0..mc, 0..nc] (row stride `cStride` bytes) = beta·C + the product.
 * Edge tiles go through `edge` (MR×NR floats of scratch).
 */
@inline function macroKernel(mc: i32, nc: i32, kc: i32, ap: usize, bp: usize, c: usize, cStride: usize, beta: bool, edge: usize): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const nr = min(NR, nc - jr);
    const bPanel = bp + (<usize>(jr * kc) << 2);
    for (let ir = 0; ir < mc; ir += MR) {
      const mr = min(MR, mc - ir);
      const aPanel = ap + (<usize>(ir * kc * A_LANES) << 2);
      const cTile = c + <usize>ir * cStride + (<usize>jr << 2);
      if (mr == MR && nr == NR) {
        kernel4x8(kc, aPanel, bPanel, cTile, cStride, beta);
      } else {
        kernel4x8(kc, aPanel, bPanel, edge, NR << 2, false);
        for (let i = 0; i < mr; i++) {
          const row = cTile + <usize>i * cStride;
          for (let j = 0; j < nr; j++) {
            const v = load<f32>(edge + (<usize>(i * NR + j) << 2));
            const at = row + (<usize>j << 2);
            store<f32>(at, beta ? load<f32>(at) + v : v);
          }
        }
      }
    }
  }
}

/** Sets the M×N block of C at `c` (row stride `cStride` bytes) to zero: a product over K = 0. */
export function zeroC(M: i32, N: i32, c: usize, cStride: usize): void {
  for (let i = 0; i < M; i++) memory.fill(c + <usize>i * cStride, 0, <usize>N << 2);
}

/**
 * The loop nest of every sgemm below: jc over N, pc over K (packing op(B)'s block unless
 * `bPacked`), ic over M (packing op(A)'s block), then the macro-kernel. A packed op(B) (`bp`, laid
 * out by `sgemmPackB` for all of N) is read where its block lies, in one block as wide as N, so
 * op(A) is packed once for all columns instead of once per NC of them; every float of C sees the same
 * operations in the same order either way, so the entry points give the same bits. Under a causal
 * `mask` (matmul-batched.ts) op(A)'s masked floats are zeroed where packed and the masked
 * macro-kernel cuts tiles and depth to what the mask keeps. Inlined into each entry point, where
 * the flags and MASK_NONE are constants.
 */
@inline function gemmNest(
  transA: bool, transB: bool, M: i32, N: i32, K: i32,
  a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32,
  accumulate: bool, work: usize, bPacked: bool, bp: usize, mask: i32, d: i32,
): void {
  if (M <= 0 || N <= 0) return;
  const cStride = <usize>ldc << 2;
  if (K <= 0) {
    if (!accumulate) zeroC(M, N, c, cStride);
    return;
  }
  // The workspace: A's block (A_LANES floats an element), B's block, one edge tile.
  const aWork = work;
  const bWork = aWork + (<usize>(MC * KC * A_LANES) << 2);
  const edge = bWork + (<usize>(KC * NC) << 2);
  const width = ((N + NR - 1) / NR) * NR;
  const ncMax = bPacked ? N : NC;
  for (let jc = 0; jc < N; jc += ncMax) {
    const nc = min(ncMax, N - jc);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = min(KC, K - pc);
      const beta = pc > 0 || accumulate;
      let bBlock = bWork;
      if (bPacked) bBlock = bp + ((<usize>pc * width + <usize>jc * kc) << 2);
      else packB(transB, b, ldb, pc, jc, kc, nc, bWork);
      for (let ic = 0; ic < M; ic += MC) {
        const mc = min(MC, M - ic);
        packA(transA, a, lda, ic, pc, mc, kc, aWork);
        const cBlock = c + <usize>ic * cStride + (<usize>jc << 2);
        if (mask == MASK_NONE) {
          macroKernel(mc, nc, kc, aWork, bBlock, cBlock, cStride, beta, edge);
        } else {
          if (mask != MASK_C_LOWER) zeroMaskedA(mask, d, ic, pc, mc, kc, aWork);
          maskedTiles(mask, d, ic, jc, pc, mc, nc, kc, aWork, bBlock, cBlock, cStride, beta, accumulate, edge);
        }
      }
    }
  }
}

/**
 * C (M×N, row stride `ldc`) = op(A)·op(B), or += when `accumulate`. op(A) is M×K: A is (M, K) with
 * row stride `lda`, or (K, M) when `transA`. op(B) is K×N: B is (K, N) with row stride `ldb`, or
 * (N, K) when `transB`. Pointers are byte addresses; strides count floats. `work` points at
 * `sgemmWorkspaceBytes()` bytes of scratch that no other concurrent call uses.
 */
export function sgemm(
  transA: bool, transB: bool, M: i32, N: i32, K: i32,
  a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32,
  accumulate: bool, work: usize,
): void {
  gemmNest(transA, transB, M, N, K, a, lda, b, ldb, c, ldc, accumulate, work, false, 0, MASK_NONE, 0);
}

/**
 * `sgemm` under a causal mask (a MASK_ constant of matmul-batched.ts) with diagonal offset `d`, as
 * `sgemmBatched` runs each masked product.
 */
export function sgemmMasked(
  mask: i32, d: i32, transA: bool, transB: bool, M: i32, N: i32, K: i32,
  a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, accumulate: bool, work: usize,
): void {
  gemmNest(transA, transB, M, N, K, a, lda, b, ldb, c, ldc, accumulate, work, false, 0, mask, d);
}

/**
 * Packs columns [j0, j0 + nc) of op(B) (K×N, as in `sgemm`), every KC-deep block of them, into
 * `dst`, laid out for the whole width N: the block of depth p0 starts at p0·⌈N⌉ floats (⌈N⌉ = N
 * rounded up to NR) and holds, for each NR-wide panel j, its kc×NR floats at j·kc. `j0` is a
 * multiple of NR, so threads can pack disjoint column ranges of one op(B) at once.
 */
export function sgemmPackB(transB: bool, N: i32, K: i32, b: usize, ldb: i32, j0: i32, nc: i32, dst: usize): void {
  const width = ((N + NR - 1) / NR) * NR;
  for (let pc = 0; pc < K; pc += KC) {
    const kc = min(KC, K - pc);
    packB(transB, b, ldb, pc, j0, kc, nc, dst + ((<usize>pc * width + <usize>j0 * kc) << 2));
  }
}

/**
 * `sgemm` with op(B) already packed by `sgemmPackB` at `bp`, so the same bits. A thread pool splits
 * M, each thread packing only its own rows of op(A) while all share the one packed op(B). `work` is
 * as for `sgemm` (its packed-B part is unused).
 */
export function sgemmPackedB(
  transA: bool, M: i32, N: i32, K: i32,
  a: usize, lda: i32, bp: usize, c: usize, ldc: i32,
  accumulate: bool, work: usize,
): void {
  gemmNest(transA, false, M, N, K, a, lda, 0, 0, c, ldc, accumulate, work, true, bp, MASK_NONE, 0);
}
