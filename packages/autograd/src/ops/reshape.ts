// Reshape: the same contiguous data under a new shape (no copy); the gradient is reshaped back.

import { getBackend } from '../backend/active.js';
import { gradAdds, record } from '../graph.js';
import type { Shape } from '../shape.js';
import { showShape, sizeOf } from '../shape.js';
import { shareStorage } from '../tensor.js';
import type { Tensor } from '../tensor.js';
import type { OpDef } from './op-def.js';

/** `shape` with a single −1 replaced by whatever makes the sizes match `size`. */
export function inferShape(shape: Shape, size: number): number[] {
  const out = [...shape];
  const holes = out.filter((d) => d === -1).length;
  if (holes > 1) throw new Error(`reshape: only one size may be -1, got ${showShape(shape)}`);
  if (holes === 1) {
    const known = out.reduce((p, d) => (d === -1 ? p : p * d), 1);
    if (known === 0 || size % known !== 0)
      throw new Error(`reshape: cannot infer -1 in ${showShape(shape)} for ${size} elements`);
    out[out.indexOf(-1)] = size / known;
  }
  if (sizeOf(out) !== size) throw new Error(`reshape: ${size} elements cannot have shape ${showShape(shape)}`);
  return out;
}

/** The same data viewed as `shape` (one size may be −1). Shares storage with x. */
export function reshape(x: Tensor, shape: Shape): Tensor {
  const out = shareStorage(x, inferShape(shape, x.size));
  // dx += g (same layout)
  return record(out, 'reshape', [x], (g) => {
    if (gradAdds(x)) getBackend().axpy(1, g, x.grad!);
    else x.grad!.set(g);
  });
}

/** The registry entry of `reshape`. */
export const reshapeOp = {
  name: 'reshape',
  apply: reshape,
  summary: 'same data, new shape; dx = g',
} satisfies OpDef<'reshape'>;
