// Fused log-softmax over the last axis: y = x − logsumexp(x), dx = dy − softmax(x)·Σ dy.

import { getBackend } from '../backend/active.js';
import { empty } from '../creation.js';
import { gradOf, record } from '../graph.js';
import type { Tensor } from '../tensor.js';
import type { OpDef } from './op-def.js';

/**
 * Log-softmax along the last axis in one kernel (finite even for logits like ±1000).
 * Tested equal, value and gradient, to x − max − log Σ exp(x − max).
 */
export function logSoftmaxLast(x: Tensor): Tensor {
  if (x.ndim < 1) throw new Error('logSoftmax: needs at least one axis');
  const cols = x.shape[x.ndim - 1]!;
  const rows = cols === 0 ? 0 : x.size / cols;
  const be = getBackend();
  const out = empty(x.shape);
  be.logSoftmax(x.data, rows, cols, out.data);
  // dx += g − exp(y)·Σ g
  return record(out, 'logSoftmax', [x], (g) => be.logSoftmaxBackward(out.data, g, rows, cols, gradOf(x)));
}

/** The registry entry of `logSoftmax`. */
export const logSoftmaxOp = {
  name: 'logSoftmax',
  apply: logSoftmaxLast,
  summary: 'log-softmax over the last axis; dx = g − softmax·Σ g',
} satisfies OpDef<'logSoftmax'>;
