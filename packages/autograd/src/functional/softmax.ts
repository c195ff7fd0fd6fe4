// Softmax and log-softmax along any axis: the fused kernels for the last axis, compositions elsewhere.

import { exp } from '../ops/exp.js';
import { log } from '../ops/log.js';
import { logSoftmaxLast } from '../ops/log-softmax.js';
import { max } from '../ops/max.js';
import { softmaxLast } from '../ops/softmax.js';
import { div } from '../ops/div.js';
import { sub } from '../ops/sub.js';
import { sum } from '../ops/sum.js';
import { normAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';

/**
 * exp(x − max)/Σ exp(x − max) along `axis` (default −1). Rows of all −∞ give NaN, as in PyTorch.
 * @example logits.softmax() // (B, T, V) → probabilities over V
 */
export function softmax(x: Tensor, axis = -1): Tensor {
  return normAxis(axis, x.ndim) === x.ndim - 1 ? softmaxLast(x) : softmaxComposed(x, axis);
}

/** x − logsumexp(x) along `axis` (default −1), finite for any finite logits. */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  return normAxis(axis, x.ndim) === x.ndim - 1 ? logSoftmaxLast(x) : logSoftmaxComposed(x, axis);
}

/** Softmax composed from primitives; the max is a constant shift (detached), so it needs no gradient. */
export function softmaxComposed(x: Tensor, axis = -1): Tensor {
  const e = exp(sub(x, max(x, axis, true).detach()));
  return div(e, sum(e, axis, true));
}

/** Log-softmax composed from primitives: (x − m) − log Σ exp(x − m) with m = max x detached. */
export function logSoftmaxComposed(x: Tensor, axis = -1): Tensor {
  const shifted = sub(x, max(x, axis, true).detach());
  return sub(shifted, log(sum(exp(shifted), axis, true)));
}
