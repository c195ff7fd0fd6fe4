// Data-movement kernels: permute, copies along an axis (slice, concat), gather and index-select with adjoints.

import type { KernelShape } from '../backend.js';
import { permuteLayout } from './layout.js';

/** out (+)= x with out axis i = x axis dims[i]. Runs that stay contiguous in x are copied as blocks. */
export function permute(
  x: Float32Array,
  xShape: KernelShape,
  dims: readonly number[],
  out: Float32Array,
  acc: boolean,
): void {
  const n = x.length;
  if (n === 0) return;
  // Out-side loops, dropping size-1 axes and merging axes that are adjacent in x too.
  const { dims: size, strides } = permuteLayout(xShape, dims);
  const stride = strides[0]!;
  if (size.length === 1 && stride[0] === 0) {
    out[0] = acc ? out[0]! + x[0]! : x[0]!;
    return;
  }
  const rank = size.length;
  const inner = size[rank - 1]!;
  const si = stride[rank - 1]!;
  if (rank === 2 && si !== 1 && !acc) return transposeBlocked(x, size[0]!, inner, stride[0]!, si, out);
  const index = new Int32Array(rank);
  let ix = 0;
  for (let io = 0; io < n; io += inner) {
    if (acc) for (let i = 0; i < inner; i++) out[io + i]! += x[ix + i * si]!;
    else if (si === 1) out.set(x.subarray(ix, ix + inner), io);
    else for (let i = 0; i < inner; i++) out[io + i] = x[ix + i * si]!;
    for (let d = rank - 2; d >= 0; d--) {
      index[d]!++;
      ix += stride[d]!;
      if (index[d]! < size[d]!) break;
      ix -= stride[d]! * size[d]!;
      index[d] = 0;
    }
  }
}

/** out (rows, cols) = x read with strides (sr, sc), in 32×32 tiles so both sides stay in cache. */
function transposeBlocked(
  x: Float32Array,
  rows: number,
  cols: number,
  sr: number,
  sc: number,
  out: Float32Array,
): void {
  const T = 32;
  for (let r0 = 0; r0 < rows; r0 += T) {
    const r1 = Math.min(rows, r0 + T);
    for (let c0 = 0; c0 < cols; c0 += T) {
      const c1 = Math.min(cols, c0 + T);
      for (let r = r0; r < r1; r++) {
        const o = r * cols;
        const xr = r * sr;
        for (let c = c0; c < c1; c++) out[o + c] = x[xr + c * sc]!;
      }
    }
  }
}

/** dst[o, dstStart + i, :] (+)= src[o, srcStart + i, :] for o < outer, i < len, rows of `inner`. */
export function copyAxis(
  src: Float32Array,
  srcAxis: number,
  srcStart: number,
  dst: Float32Array,
  dstAxis: number,
  dstStart: number,
  outer: number,
  len: number,
  inner: number,
  acc: boolean,
): void {
  const block = len * inner;
  for (let o = 0; o < outer; o++) {
    const s = (o * srcAxis + srcStart) * inner;
    const d = (o * dstAxis + dstStart) * inner;
    if (acc) for (let i = 0; i < block; i++) dst[d + i]! += src[s + i]!;
    else dst.set(src.subarray(s, s + block), d);
  }
}

/** out[o, j, i] = x[o, index[o, j, i], i] with x (outer, axis, inner) and index/out (outer, n, inner). */
export function gather(
  x: Float32Array,
  outer: number,
  axis: number,
  inner: number,
  index: Int32Array,
  n: number,
  out: Float32Array,
): void {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < n; j++) {
      const at = (o * n + j) * inner;
      for (let i = 0; i < inner; i++) out[at + i] = x[(o * axis + index[at + i]!) * inner + i]!;
    }
  }
}

/** dx[o, index[o, j, i], i] += dy[o, j, i]: the adjoint of `gather`. */
export function gatherBackward(
  dy: Float32Array,
  outer: number,
  axis: number,
  inner: number,
  index: Int32Array,
  n: number,
  dx: Float32Array,
): void {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < n; j++) {
      const at = (o * n + j) * inner;
      for (let i = 0; i < inner; i++) dx[(o * axis + index[at + i]!) * inner + i]! += dy[at + i]!;
    }
  }
}

/** out row r = x row ids[r]. */
export function indexSelect(x: Float32Array, rowSize: number, ids: Int32Array, out: Float32Array): void {
  for (let r = 0; r < ids.length; r++) {
    const s = ids[r]! * rowSize;
    out.set(x.subarray(s, s + rowSize), r * rowSize);
  }
}

/** dx row ids[r] += dy row r. */
export function indexSelectBackward(dy: Float32Array, rowSize: number, ids: Int32Array, dx: Float32Array): void {
  for (let r = 0; r < ids.length; r++) {
    const d = ids[r]! * rowSize;
    const s = r * rowSize;
    for (let i = 0; i < rowSize; i++) dx[d + i]! += dy[s + i]!;
  }
}
