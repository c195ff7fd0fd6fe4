// Slice along one axis: y = x[..., start:end, ...]; the gradient is written back into that window.

import { getBackend } from '../backend/active.js';
import { empty } from '../creation.js';
import { gradOf, record } from '../graph.js';
import { normAxis, showShape, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { OpDef } from './op-def.js';

/** Elements start ≤ i < end along `axis` (negative start/end count from the end, as in Python). */
export function slice(x: Tensor, axis: number, start: number, end: number): Tensor {
  const ax = normAxis(axis, x.ndim);
  const len = x.shape[ax]!;
  const s = start < 0 ? start + len : start;
  const e = end < 0 ? end + len : end;
  if (!Number.isInteger(s) || !Number.isInteger(e) || s < 0 || e > len || s > e) {
    throw new RangeError(`slice: [${start}, ${end}) is not a range within axis ${axis} of shape ${showShape(x.shape)}`);
  }
  const outer = sizeOf(x.shape.slice(0, ax));
  const inner = sizeOf(x.shape.slice(ax + 1));
  const be = getBackend();
  const out = empty(x.shape.map((d, i) => (i === ax ? e - s : d)));
  be.copyAxis(x.data, len, s, out.data, e - s, 0, outer, e - s, inner, false);
  // dx[..., s:e, ...] += g
  return record(out, 'slice', [x], (g) => be.copyAxis(g, e - s, 0, gradOf(x), len, s, outer, e - s, inner, true));
}

/** The registry entry of `slice`. */
export const sliceOp = {
  name: 'slice',
  apply: slice,
  summary: 'x[s:e] along an axis; dx[s:e] = g',
} satisfies OpDef<'slice'>;
