// Concatenation along one axis; each input's gradient is its window of the output gradient.

import { getBackend } from '../backend/active.js';
import { empty } from '../creation.js';
import { gradAdds, record } from '../graph.js';
import { normAxis, showShape, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { OpDef } from './op-def.js';

/** The tensors joined along `axis`; all other sizes must agree. */
export function concat(tensors: readonly Tensor[], axis: number): Tensor {
  if (tensors.length === 0) throw new Error('concat: needs at least one tensor');
  const first = tensors[0]!;
  const ax = normAxis(axis, first.ndim);
  let total = 0;
  for (const t of tensors) {
    const ok = t.ndim === first.ndim && t.shape.every((d, i) => i === ax || d === first.shape[i]);
    if (!ok)
      throw new Error(`concat: shape ${showShape(t.shape)} does not match ${showShape(first.shape)} off axis ${axis}`);
    total += t.shape[ax]!;
  }
  const outer = sizeOf(first.shape.slice(0, ax));
  const inner = sizeOf(first.shape.slice(ax + 1));
  const be = getBackend();
  const out = empty(first.shape.map((d, i) => (i === ax ? total : d)));
  const starts: number[] = [];
  let at = 0;
  for (const t of tensors) {
    starts.push(at);
    be.copyAxis(t.data, t.shape[ax]!, 0, out.data, total, at, outer, t.shape[ax]!, inner, false);
    at += t.shape[ax]!;
  }
  const inputs = [...tensors];
  // dx_k += g[window k]
  return record(out, 'concat', inputs, (g) => {
    inputs.forEach((t, k) => {
      const len = t.shape[ax]!;
      if (!t.requiresGrad) return;
      const add = gradAdds(t);
      be.copyAxis(g, total, starts[k]!, t.grad!, len, 0, outer, len, inner, add);
    });
  });
}

/** The registry entry of `concat`. */
export const concatOp = {
  name: 'concat',
  apply: concat,
  summary: 'join along an axis; dx_k = g[window k]',
} satisfies OpDef<'concat'>;
