// Gather along an axis (PyTorch's torch.gather); the gradient scatter-adds back to the gathered positions.

import { getBackend } from '../backend/active.js';
import { empty } from '../creation.js';
import { gradOf, record } from '../graph.js';
import { normAxis, showShape, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { OpDef } from './op-def.js';
import { checkIndex } from './util.js';

/**
 * out[..., j, ...] = x[..., index[..., j, ...], ...] along `axis`. `index` is laid out like x
 * except that `axis` has n = index.length / (other sizes) entries; out has that shape.
 * @example gather(logp, 1, targets) // logp (N, V), targets N ids → (N, 1)
 */
export function gather(x: Tensor, axis: number, index: Int32Array): Tensor {
  const ax = normAxis(axis, x.ndim);
  const outer = sizeOf(x.shape.slice(0, ax));
  const inner = sizeOf(x.shape.slice(ax + 1));
  const len = x.shape[ax]!;
  const n = outer * inner === 0 ? 0 : index.length / (outer * inner);
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(`gather: ${index.length} indices do not fit shape ${showShape(x.shape)} with axis ${axis} resized`);
  }
  checkIndex(index, len, 'gather');
  const ids = index.slice(); // the caller may reuse its buffer before backward
  const be = getBackend();
  const out = empty(x.shape.map((d, i) => (i === ax ? n : d)));
  be.gather(x.data, outer, len, inner, ids, n, out.data);
  // dx[index] += g
  return record(out, 'gather', [x], (g) => be.gatherBackward(g, outer, len, inner, ids, n, gradOf(x)));
}

/** The registry entry of `gather`. */
export const gatherOp = {
  name: 'gather',
  apply: gather,
  summary: 'x[index] along an axis; dx[index] += g',
} satisfies OpDef<'gather'>;
