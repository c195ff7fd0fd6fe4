// Row lookup along axis 0 (an embedding table): out row r = x row ids[r]; the gradient scatter-adds rows.

import { getBackend } from '../backend/active.js';
import { empty } from '../creation.js';
import { gradOf, record } from '../graph.js';
import type { Shape } from '../shape.js';
import { showShape, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { OpDef } from './op-def.js';
import { checkIndex } from './util.js';

/**
 * Rows of x picked by `ids`: x (V, ...rest), ids shaped `idsShape` (default [ids.length]) →
 * out (...idsShape, ...rest). An id outside [0, V) throws a RangeError.
 * @example indexSelect(wte, idx, [B, T]) // (vocabSize, C) → (B, T, C)
 */
export function indexSelect(x: Tensor, ids: Int32Array, idsShape?: Shape): Tensor {
  if (x.ndim < 1) throw new Error('indexSelect: x must have at least one axis');
  const shape = idsShape ?? [ids.length];
  if (sizeOf(shape) !== ids.length)
    throw new Error(`indexSelect: ${ids.length} ids do not have shape ${showShape(shape)}`);
  checkIndex(ids, x.shape[0]!, 'indexSelect');
  const rows = ids.slice(); // the caller may reuse its buffer before backward
  const rowSize = sizeOf(x.shape.slice(1));
  const be = getBackend();
  const out = empty([...shape, ...x.shape.slice(1)]);
  be.indexSelect(x.data, rowSize, rows, out.data);
  // dx[ids[r]] += g[r]
  return record(out, 'indexSelect', [x], (g) => be.indexSelectBackward(g, rowSize, rows, gradOf(x)));
}

/** The registry entry of `indexSelect`. */
export const indexSelectOp = {
  name: 'indexSelect',
  apply: indexSelect,
  summary: 'rows x[ids]; dx[ids[r]] += g[r]',
} satisfies OpDef<'indexSelect'>;
