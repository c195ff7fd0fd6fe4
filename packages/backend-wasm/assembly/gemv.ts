// One row times a matrix, y = x·op(W), without packing: the sgemm of M = 1 (a token's step in generation), bit for bit.
//
// sgemm packs all of op(W) before its first multiply, which for a single row of x costs as much as
// the product. Here each output j sums x[k]·op(W)[k, j] over k in order, one multiply-add per step
// (fused in the relaxed-SIMD build, as sgemm's), in KC-deep blocks added up as sgemm adds them, so
// every output has sgemm's bits. Outputs go four to a vector; two vectors run side by side so two
// chains of multiply-adds hide each other's latency.
import { KC, madd } from './matmul';
import { loadTail, storeTail } from './simd-math';

/**
 * op(W)[k, j..j+3] with lanes past `n` zero: W (K×N, row stride `ldw` bytes) read as it lies, or,
 * with `trans`, W (N×K) read transposed.
 */
@inline function column(trans: bool, w: usize, ldw: usize, j: i32, k: i32, n: i32): v128 {
  if (trans) {
    const at = w + <usize>j * ldw + (<usize>k << 2);
    let v = f32x4.replace_lane(f32x4.splat(0), 0, load<f32>(at));
    if (n > 1) v = f32x4.replace_lane(v, 1, load<f32>(at + ldw));
    if (n > 2) v = f32x4.replace_lane(v, 2, load<f32>(at + 2 * ldw));
    if (n > 3) v = f32x4.replace_lane(v, 3, load<f32>(at + 3 * ldw));
    return v;
  }
  const at = w + <usize>k * ldw + (<usize>j << 2);
  return n == 4 ? v128.load(at) : loadTail(at, n, 0);
}

/**
 * acc + Σ x[k+i]·W[r.., k+i] over i < 4 for four rows of W from `at` (their k-th floats; row stride
 * `ldw` bytes): the 4×4 block transposed in registers, then one multiply-add per k, in order.
 */
@inline function maddRows(acc: v128, at: usize, ldw: usize, xa: v128, xb: v128, xc: v128, xd: v128): v128 {
  const u0 = v128.load(at), u1 = v128.load(at + ldw), u2 = v128.load(at + 2 * ldw), u3 = v128.load(at + 3 * ldw);
  const t0 = i32x4.shuffle(u0, u1, 0, 4, 1, 5), t1 = i32x4.shuffle(u2, u3, 0, 4, 1, 5);
  const t2 = i32x4.shuffle(u0, u1, 2, 6, 3, 7), t3 = i32x4.shuffle(u2, u3, 2, 6, 3, 7);
  acc = madd(acc, xa, i64x2.shuffle(t0, t1, 0, 2));
  acc = madd(acc, xb, i64x2.shuffle(t0, t1, 1, 3));
  acc = madd(acc, xc, i64x2.shuffle(t2, t3, 0, 2));
  return madd(acc, xd, i64x2.shuffle(t2, t3, 1, 3));
}

/**
 * A block's sum added to the outputs' running value `s` as sgemm adds a KC-deep block into C: the
 * first block replaces s (with `accumulate`, s holds y's old value and the block is added to it).
 */
@inline function addBlock(s: v128, block: v128, first: bool, accumulate: bool): v128 {
  return first && !accumulate ? block : f32x4.add(block, s);
}

/**
 * y[j] = Σ_k x[k]·op(W)[k, j] for j < N (y[j] += … when `accumulate`): op(W) is W (K×N, row
 * stride `ldw` floats), or with `transW` W (N×K) read transposed, as sgemm's op(B). Pointers are
 * byte addresses. The same bits as `sgemm` with M = 1.
 */
export function gemv(transW: bool, N: i32, K: i32, x: usize, w: usize, ldw: i32, y: usize, accumulate: bool): void {
  const ldwBytes = <usize>ldw << 2;
  if (K <= 0) {
    if (!accumulate) memory.fill(y, 0, <usize>max(N, 0) << 2);
    return;
  }
  let j = 0;
  if (transW) {
    // Eight outputs at a time: rows j..j+7 of W, four k at a time transposed in registers.
    for (; j + 8 <= N; j += 8) {
      const yj = y + (<usize>j << 2);
      let s0 = accumulate ? v128.load(yj) : f32x4.splat(0);
      let s1 = accumulate ? v128.load(yj, 16) : f32x4.splat(0);
      const r0 = w + <usize>j * ldwBytes;
      const r4 = r0 + 4 * ldwBytes;
      for (let p0 = 0; p0 < K; p0 += KC) {
        const end = min(K, p0 + KC);
        let a0 = f32x4.splat(0), a1 = f32x4.splat(0);
        let k = p0;
        for (; k + 4 <= end; k += 4) {
          const off = <usize>k << 2;
          const xa = v128.load32_splat(x + off), xb = v128.load32_splat(x + off, 4);
          const xc = v128.load32_splat(x + off, 8), xd = v128.load32_splat(x + off, 12);
          a0 = maddRows(a0, r0 + off, ldwBytes, xa, xb, xc, xd);
          a1 = maddRows(a1, r4 + off, ldwBytes, xa, xb, xc, xd);
        }
        for (; k < end; k++) {
          const xk = v128.load32_splat(x + (<usize>k << 2));
          a0 = madd(a0, xk, column(true, w, ldwBytes, j, k, 4));
          a1 = madd(a1, xk, column(true, w, ldwBytes, j + 4, k, 4));
        }
        s0 = addBlock(s0, a0, p0 == 0, accumulate);
        s1 = addBlock(s1, a1, p0 == 0, accumulate);
      }
      v128.store(yj, s0);
      v128.store(yj, s1, 16);
    }
  }
  // Four outputs at a time: the rest of a transposed W, and all of one read as it lies.
  for (; j < N; j += 4) {
    const n = min(4, N - j);
    const yj = y + (<usize>j << 2);
    let s = accumulate ? (n == 4 ? v128.load(yj) : loadTail(yj, n, 0)) : f32x4.splat(0);
    for (let p0 = 0; p0 < K; p0 += KC) {
      const end = min(K, p0 + KC);
      let acc = f32x4.splat(0);
      for (let k = p0; k < end; k++) {
        acc = madd(acc, v128.load32_splat(x + (<usize>k << 2)), column(transW, w, ldwBytes, j, k, n));
      }
      s = addBlock(s, acc, p0 == 0, accumulate);
    }
    if (n == 4) v128.store(yj, s);
    else storeTail(yj, n, s);
  }
}
