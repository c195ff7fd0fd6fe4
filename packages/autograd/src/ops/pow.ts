// Power by a constant: y = xᵖ, so ∂y/∂x = p·xᵖ⁻¹.

import { getBackend } from '../backend/active.js';
import { empty } from '../creation.js';
import { gradOf, record } from '../graph.js';
import type { Tensor } from '../tensor.js';
import type { OpDef } from './op-def.js';

/** xᵖ elementwise for a constant exponent p. */
export function pow(x: Tensor, p: number): Tensor {
  if (typeof p !== 'number' || Number.isNaN(p)) throw new Error(`pow: the exponent must be a number, got ${String(p)}`);
  const be = getBackend();
  const out = empty(x.shape);
  be.powScalar(x.data, p, out.data);
  // dx += g·p·xᵖ⁻¹
  return record(out, 'pow', [x], (g) => be.powScalarBackward(x.data, p, g, gradOf(x)));
}

/** The registry entry of `pow`. */
export const powOp = { name: 'pow', apply: pow, summary: 'xᵖ; dx = g·p·xᵖ⁻¹' } satisfies OpDef<'pow'>;
