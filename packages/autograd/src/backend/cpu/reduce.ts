// Reductions and their adjoints: sum to a broadcast shape, broadcast back, max with argmax, sums of squares.

import type { KernelShape } from '../backend.js';
import { advance, broadcastLayout } from './layout.js';

/** out (+)= x summed down to `outShape` (the axes where out has size 1 or is missing). */
export function sumTo(
  x: Float32Array,
  xShape: KernelShape,
  out: Float32Array,
  outShape: KernelShape,
  acc: boolean,
): void {
  const n = x.length;
  if (!acc) out.fill(0);
  if (out.length === n) {
    for (let i = 0; i < n; i++) out[i]! += x[i]!;
    return;
  }
  if (out.length === 1) {
    let s = 0;
    for (let i = 0; i < n; i++) s += x[i]!;
    out[0]! += s;
    return;
  }
  const layout = broadcastLayout(xShape, [outShape]);
  const { dims, strides } = layout;
  const last = dims.length - 1;
  const inner = dims[last]!;
  const so = strides[0]![last]!;
  const index = new Int32Array(dims.length);
  const offsets = new Int32Array(1);
  for (let ix = 0; ix < n; ix += inner) {
    const io = offsets[0]!;
    if (so === 0) {
      let s = 0;
      for (let i = 0; i < inner; i++) s += x[ix + i]!;
      out[io]! += s;
    } else {
      for (let i = 0; i < inner; i++) out[io + i * so]! += x[ix + i]!;
    }
    advance(layout, index, offsets);
  }
}

/** out (+)= x repeated along the axes where x has size 1 (or is missing) to fill `outShape`. */
export function broadcastTo(
  x: Float32Array,
  xShape: KernelShape,
  out: Float32Array,
  outShape: KernelShape,
  acc: boolean,
): void {
  const n = out.length;
  if (n === 0) return;
  const layout = broadcastLayout(outShape, [xShape]);
  const { dims, strides } = layout;
  const last = dims.length - 1;
  const inner = dims[last]!;
  const sx = strides[0]![last]!;
  const index = new Int32Array(dims.length);
  const offsets = new Int32Array(1);
  for (let io = 0; io < n; io += inner) {
    const ix = offsets[0]!;
    if (sx === 0) {
      const v = x[ix]!;
      if (acc) for (let i = 0; i < inner; i++) out[io + i]! += v;
      else out.fill(v, io, io + inner);
    } else if (acc) {
      for (let i = 0; i < inner; i++) out[io + i]! += x[ix + i * sx]!;
    } else {
      for (let i = 0; i < inner; i++) out[io + i] = x[ix + i * sx]!;
    }
    advance(layout, index, offsets);
  }
}

/** out = max of x reduced to `outShape`; argmax[j] = flat index in x of the first maximum. */
export function maxTo(
  x: Float32Array,
  xShape: KernelShape,
  out: Float32Array,
  outShape: KernelShape,
  argmax: Int32Array,
): void {
  const n = x.length;
  out.fill(-Infinity);
  argmax.fill(-1);
  if (n === 0) return;
  const layout = broadcastLayout(xShape, [outShape]);
  const { dims, strides } = layout;
  const last = dims.length - 1;
  const inner = dims[last]!;
  const so = strides[0]![last]!;
  const index = new Int32Array(dims.length);
  const offsets = new Int32Array(1);
  for (let ix = 0; ix < n; ix += inner) {
    const io = offsets[0]!;
    for (let i = 0; i < inner; i++) {
      const j = io + i * so;
      const v = x[ix + i]!;
      // `!(v <= max)` also takes NaN, so a NaN input shows up in the output instead of vanishing.
      if (argmax[j]! < 0 || !(v <= out[j]!)) {
        if (argmax[j]! >= 0 && Number.isNaN(out[j]!)) continue;
        out[j] = v;
        argmax[j] = ix + i;
      }
    }
    advance(layout, index, offsets);
  }
}

/** dx[index[i]] += dy[i]. */
export function scatterAdd(dy: Float32Array, index: Int32Array, dx: Float32Array): void {
  for (let i = 0; i < index.length; i++) dx[index[i]!]! += dy[i]!;
}

/** Σ x² in float64. */
export function sumSquares(x: Float32Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  return s;
}

/** y += alpha·x. */
export function axpy(alpha: number, x: Float32Array, y: Float32Array): void {
  if (alpha === 1) for (let i = 0; i < x.length; i++) y[i]! += x[i]!;
  else if (alpha === -1) for (let i = 0; i < x.length; i++) y[i]! -= x[i]!;
  else for (let i = 0; i < x.length; i++) y[i]! += alpha * x[i]!;
}

/** x ← alpha·x. */
export function scale(x: Float32Array, alpha: number): void {
  for (let i = 0; i < x.length; i++) x[i]! *= alpha;
}
