// Mean and variance, composed from sum, sub and mul (no backward code of their own).

import { normAxes, sizeOf } from '../shape.js';
import { mul } from '../ops/mul.js';
import { sub } from '../ops/sub.js';
import { sum } from '../ops/sum.js';
import { scalar } from '../creation.js';
import type { Tensor } from '../tensor.js';

/** Number of elements folded into each output of a reduction over `axis`. */
function countOver(x: Tensor, axis: number | readonly number[] | undefined): number {
  return sizeOf(normAxes(axis, x.ndim).map((a) => x.shape[a]!));
}

/** Mean over `axis` (all axes when omitted): Σ x / n. */
export function mean(x: Tensor, axis?: number | readonly number[], keepdim = false): Tensor {
  return mul(sum(x, axis, keepdim), scalar(1 / countOver(x, axis)));
}

/**
 * Variance over `axis`: Σ (x − mean)² / (n − correction). The default correction 0 is the
 * biased estimate LayerNorm uses; 1 is Bessel's correction (torch.var's default).
 */
export function variance(x: Tensor, axis?: number | readonly number[], keepdim = false, correction = 0): Tensor {
  const d = sub(x, mean(x, axis, true));
  return mul(sum(mul(d, d), axis, keepdim), scalar(1 / (countOver(x, axis) - correction)));
}
