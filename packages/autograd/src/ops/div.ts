// Elementwise division with broadcasting: y = a/b, so ∂y/∂a = 1/b, ∂y/∂b = −a/b² = −y/b.

import { getBackend } from '../backend/active.js';
import type { Tensor } from '../tensor.js';
import { record } from '../graph.js';
import { allocStorage, freeStorage } from '../storage.js';
import type { OpDef } from './op-def.js';
import { accumulateGrad, accumulateProduct, binaryForward } from './util.js';

/** a / b elementwise, broadcast. */
export function div(a: Tensor, b: Tensor): Tensor {
  const out = binaryForward('div', a, b);
  return record(out, 'div', [a, b], (g) => {
    if (a.requiresGrad) accumulateProduct('div', a, g, out.shape, b); // da += g/b
    if (b.requiresGrad) {
      // db −= g·y/b
      const be = getBackend();
      const t = allocStorage(g.length);
      be.binary('mul', g, out.shape, out.data, out.shape, t, out.shape, false);
      be.binary('div', t, out.shape, b.data, b.shape, t, out.shape, false);
      accumulateGrad(b, t, out.shape, -1);
      freeStorage(t);
    }
  });
}

/** The registry entry of `div`. */
export const divOp = { name: 'div', apply: div, summary: 'a/b; da = g/b, db = −g·a/b²' } satisfies OpDef<'div'>;
