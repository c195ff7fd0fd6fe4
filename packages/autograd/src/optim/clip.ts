// Gradient clipping by global L2 norm, as torch.nn.utils.clip_grad_norm_.

import { getBackend } from '../backend/active.js';
import type { Tensor } from '../tensor.js';

/**
 * Scales all gradients by min(1, maxNorm/(norm + 1e-6)) where norm is the L2 norm of every
 * gradient together; returns that norm (before clipping). Parameters without a gradient are skipped.
 * @example const norm = clipGradNorm(model.parameters(), 1.0);
 */
export function clipGradNorm(params: readonly Tensor[], maxNorm: number): number {
  const be = getBackend();
  let sq = 0;
  for (const p of params) if (p.grad) sq += be.sumSquares(p.grad);
  const norm = Math.sqrt(sq);
  const coef = maxNorm / (norm + 1e-6);
  if (coef < 1) {
    for (const p of params) if (p.grad) be.scale(p.grad, coef);
  }
  return norm;
}
