// Broadcasting elementwise kernels of two and three operands: add, sub, mul, div, where.

import type { BinaryOp, KernelShape } from '../backend.js';
import { advance, broadcastLayout } from './layout.js';

/** out[io..io+len) (+)= a[ia + i·sa] ∘ b[ib + i·sb]: one innermost row of a broadcast loop. */
function row(
  op: BinaryOp,
  a: Float32Array,
  ia: number,
  sa: number,
  b: Float32Array,
  ib: number,
  sb: number,
  out: Float32Array,
  io: number,
  len: number,
  acc: boolean,
): void {
  switch (op) {
    case 'add':
      if (acc) for (let i = 0; i < len; i++) out[io + i]! += a[ia + i * sa]! + b[ib + i * sb]!;
      else for (let i = 0; i < len; i++) out[io + i] = a[ia + i * sa]! + b[ib + i * sb]!;
      return;
    case 'sub':
      if (acc) for (let i = 0; i < len; i++) out[io + i]! += a[ia + i * sa]! - b[ib + i * sb]!;
      else for (let i = 0; i < len; i++) out[io + i] = a[ia + i * sa]! - b[ib + i * sb]!;
      return;
    case 'mul':
      if (acc) for (let i = 0; i < len; i++) out[io + i]! += a[ia + i * sa]! * b[ib + i * sb]!;
      else for (let i = 0; i < len; i++) out[io + i] = a[ia + i * sa]! * b[ib + i * sb]!;
      return;
    case 'div':
      if (acc) for (let i = 0; i < len; i++) out[io + i]! += a[ia + i * sa]! / b[ib + i * sb]!;
      else for (let i = 0; i < len; i++) out[io + i] = a[ia + i * sa]! / b[ib + i * sb]!;
      return;
  }
}

/** out (+)= a ∘ b under NumPy broadcasting; same-shape and scalar operands take a single flat loop. */
export function binary(
  op: BinaryOp,
  a: Float32Array,
  aShape: KernelShape,
  b: Float32Array,
  bShape: KernelShape,
  out: Float32Array,
  outShape: KernelShape,
  acc: boolean,
): void {
  const n = out.length;
  if (n === 0) return;
  if (a.length === n && b.length === n) return row(op, a, 0, 1, b, 0, 1, out, 0, n, acc);
  if (a.length === n && b.length === 1) return row(op, a, 0, 1, b, 0, 0, out, 0, n, acc);
  if (a.length === 1 && b.length === n) return row(op, a, 0, 0, b, 0, 1, out, 0, n, acc);
  const layout = broadcastLayout(outShape, [aShape, bShape]);
  const { dims, strides } = layout;
  const last = dims.length - 1;
  const inner = dims[last]!;
  const sa = strides[0]![last]!;
  const sb = strides[1]![last]!;
  const index = new Int32Array(dims.length);
  const offsets = new Int32Array(2);
  for (let io = 0; io < n; io += inner) {
    row(op, a, offsets[0]!, sa, b, offsets[1]!, sb, out, io, inner, acc);
    advance(layout, index, offsets);
  }
}

/** out = cond ≠ 0 ? a : b, all broadcast to `outShape`. */
export function where(
  cond: Float32Array,
  condShape: KernelShape,
  a: Float32Array,
  aShape: KernelShape,
  b: Float32Array,
  bShape: KernelShape,
  out: Float32Array,
  outShape: KernelShape,
): void {
  const n = out.length;
  if (n === 0) return;
  const layout = broadcastLayout(outShape, [condShape, aShape, bShape]);
  const { dims, strides } = layout;
  const last = dims.length - 1;
  const inner = dims[last]!;
  const sc = strides[0]![last]!;
  const sa = strides[1]![last]!;
  const sb = strides[2]![last]!;
  const index = new Int32Array(dims.length);
  const offsets = new Int32Array(3);
  for (let io = 0; io < n; io += inner) {
    const ic = offsets[0]!;
    const ia = offsets[1]!;
    const ib = offsets[2]!;
    for (let i = 0; i < inner; i++) out[io + i] = cond[ic + i * sc] !== 0 ? a[ia + i * sa]! : b[ib + i * sb]!;
    advance(layout, index, offsets);
  }
}
