// Logistic sigmoid: y = 1/(1 + e⁻ˣ), so ∂y/∂x = y(1 − y).

import { getBackend } from '../backend/active.js';
import { empty } from '../creation.js';
import { gradAdds, record } from '../graph.js';
import type { Tensor } from '../tensor.js';
import type { OpDef } from './op-def.js';

/** 1/(1 + e⁻ˣ) elementwise. */
export function sigmoid(x: Tensor): Tensor {
  const be = getBackend();
  const out = empty(x.shape);
  be.unary('sigmoid', x.data, out.data);
  // dx += g·y·(1 − y)
  return record(out, 'sigmoid', [x], (g) => {
    const add = gradAdds(x);
    be.unaryBackward('sigmoid', x.data, out.data, g, x.grad!, add);
  });
}

/** The registry entry of `sigmoid`. */
export const sigmoidOp = {
  name: 'sigmoid',
  apply: sigmoid,
  summary: 'σ(x); dx = g·σ(x)(1 − σ(x))',
} satisfies OpDef<'sigmoid'>;
