// Strided iteration plans for broadcasting and permuting kernels, shared by every backend: size-1 axes dropped, runs merged.

import type { KernelShape } from '../backend.js';

/** A loop nest over `dims` (outermost first) with each operand's element stride per loop. */
export interface Layout {
  readonly dims: number[];
  /** strides[k][d]: how far operand k moves when loop d advances (0 where it is broadcast). */
  readonly strides: number[][];
}

/**
 * Plans iteration over the contiguous `shape`, reading each operand broadcast to it.
 * Adjacent axes are merged whenever every operand walks them contiguously, so a bias add over
 * (B, T, C) becomes a 2-level loop and a same-shape op a single one.
 */
export function broadcastLayout(shape: KernelShape, operands: readonly KernelShape[]): Layout {
  const rank = shape.length;
  const dims: number[] = [];
  const strides: number[][] = operands.map(() => []);
  const running = operands.map(() => 1);
  const raw: number[][] = operands.map(() => new Array<number>(rank).fill(0));
  for (let d = rank - 1; d >= 0; d--) {
    for (let k = 0; k < operands.length; k++) {
      const op = operands[k]!;
      const od = d - (rank - op.length);
      const size = od >= 0 ? op[od]! : 1;
      if (size === shape[d]) {
        raw[k]![d] = running[k]!;
        running[k] = running[k]! * size;
      }
    }
  }
  for (let d = 0; d < rank; d++) {
    const size = shape[d]!;
    if (size === 1) continue;
    const last = dims.length - 1;
    const mergeable = last >= 0 && operands.every((_, k) => strides[k]![last] === raw[k]![d]! * size);
    if (mergeable) {
      dims[last] = dims[last]! * size;
      for (let k = 0; k < operands.length; k++) strides[k]![last] = raw[k]![d]!;
    } else {
      dims.push(size);
      for (let k = 0; k < operands.length; k++) strides[k]!.push(raw[k]![d]!);
    }
  }
  if (dims.length === 0) {
    dims.push(1);
    for (const s of strides) s.push(0);
  }
  return { dims, strides };
}

/**
 * The loop plan of `out (axis i) = x (axis dims[i])` for a contiguous x of `shape`: x's strides in
 * out order, size-1 axes dropped and runs that stay adjacent in x merged (a transpose of the last
 * two axes of (B, T, nh, hs) becomes three levels). A permute that keeps x's order is one level.
 */
export function permuteLayout(shape: KernelShape, dims: readonly number[]): Layout {
  const xs = new Array<number>(shape.length);
  for (let d = shape.length - 1, run = 1; d >= 0; d--) {
    xs[d] = run;
    run *= shape[d]!;
  }
  const size: number[] = [];
  const stride: number[] = [];
  for (const d of dims) {
    const len = shape[d]!;
    if (len === 1) continue;
    const last = size.length - 1;
    if (last >= 0 && stride[last] === xs[d]! * len) {
      size[last] = size[last]! * len;
      stride[last] = xs[d]!;
    } else {
      size.push(len);
      stride.push(xs[d]!);
    }
  }
  if (size.length === 0) return { dims: [1], strides: [[0]] };
  return { dims: size, strides: [stride] };
}

/**
 * Advances a multi-index over all loops but the innermost, updating each operand's offset.
 * Returns nothing; `index` and `offsets` are updated in place.
 */
export function advance(layout: Layout, index: Int32Array, offsets: Int32Array): void {
  const { dims, strides } = layout;
  for (let d = dims.length - 2; d >= 0; d--) {
    index[d]!++;
    for (let k = 0; k < offsets.length; k++) offsets[k] = offsets[k]! + strides[k]![d]!;
    if (index[d]! < dims[d]!) return;
    for (let k = 0; k < offsets.length; k++) offsets[k] = offsets[k]! - strides[k]![d]! * dims[d]!;
    index[d] = 0;
  }
}

/** Number of elements of a shape. */
export function shapeSize(shape: KernelShape): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i]!;
  return n;
}
