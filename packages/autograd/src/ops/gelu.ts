// GELU (Hendrycks & Gimpel 2016): y = x·Φ(x), or GPT-2's tanh approximation; one fused kernel each way, or f and f′
// in one forward kernel where the backend shares their work.

import { getBackend } from '../backend/active.js';
import { empty } from '../creation.js';
import { gradAdds, isGradEnabled, record } from '../graph.js';
import { allocStorage } from '../storage.js';
import type { Tensor } from '../tensor.js';
import type { OpDef } from './op-def.js';

/**
 * GELU elementwise. `'none'`: x·Φ(x) with Φ the normal CDF via erf (PyTorch's default);
 * `'tanh'`: ½x(1 + tanh(√(2/π)(x + 0.044715x³))) (GPT-2, nanoGPT's `new_gelu`).
 * A primitive because erf has no composition from the other ops; the tanh form is tested equal
 * to its composition from tanh, mul and add.
 */
export function gelu(x: Tensor, approximate: 'none' | 'tanh' = 'none'): Tensor {
  if (approximate !== 'none' && approximate !== 'tanh') {
    throw new Error(`gelu: approximate must be 'none' or 'tanh', got '${String(approximate)}'`);
  }
  const kind = approximate === 'tanh' ? 'geluTanh' : 'gelu';
  const be = getBackend();
  const out = empty(x.shape);
  if (be.unaryWithDerivative && isGradEnabled() && x.requiresGrad) {
    // f′(x) written with f(x) where the backend shares their work: dx += g·f′(x)
    const derivative = allocStorage(x.size);
    be.unaryWithDerivative(kind, x.data, out.data, derivative);
    const shape = x.shape;
    return record(
      out,
      'gelu',
      [x],
      (g) => {
        const add = gradAdds(x);
        be.binary('mul', derivative, shape, g, shape, x.grad!, shape, add);
      },
      [derivative],
    );
  }
  be.unary(kind, x.data, out.data);
  // dx += g·(Φ(x) + x·φ(x)), or the derivative of the tanh form
  return record(out, 'gelu', [x], (g) => {
    const add = gradAdds(x);
    be.unaryBackward(kind, x.data, out.data, g, x.grad!, add);
  });
}

/** The registry entry of `gelu`. */
export const geluOp = { name: 'gelu', apply: gelu, summary: 'x·Φ(x); dx = g·(Φ(x) + x·φ(x))' } satisfies OpDef<'gelu'>;
