// Fused layer normalisation over the last axis (Ba et al. 2016): y = (x − μ)/√(σ² + eps)·w + b.

import { getBackend } from '../backend/active.js';
import { empty } from '../creation.js';
import { gradOf, record } from '../graph.js';
import { showShape } from '../shape.js';
import { allocStorage } from '../storage.js';
import type { Tensor } from '../tensor.js';
import type { OpDef } from './op-def.js';

/**
 * LayerNorm over the last axis C of x (..., C), with optional weight and bias of shape (C),
 * σ² biased and eps inside the root (1e-5 as PyTorch). One kernel forward and one backward;
 * tested equal, value and gradient, to (x − mean)/sqrt(variance + eps)·w + b composed.
 */
export function layerNorm(x: Tensor, weight: Tensor | null, bias: Tensor | null, eps = 1e-5): Tensor {
  if (x.ndim < 1) throw new Error('layerNorm: x needs at least one axis');
  const cols = x.shape[x.ndim - 1]!;
  for (const [name, p] of [
    ['weight', weight],
    ['bias', bias],
  ] as const) {
    if (p && (p.ndim !== 1 || p.shape[0] !== cols)) {
      throw new Error(
        `layerNorm: ${name} has shape ${showShape(p.shape)}, expected [${cols}] for x ${showShape(x.shape)}`,
      );
    }
  }
  const rows = cols === 0 ? 0 : x.size / cols;
  const be = getBackend();
  const out = empty(x.shape);
  const mean = allocStorage(rows);
  const rstd = allocStorage(rows);
  be.layerNorm(x.data, rows, cols, weight?.data ?? null, bias?.data ?? null, eps, out.data, mean, rstd);
  const inputs = [x, weight, bias].filter((t): t is Tensor => t !== null);
  return record(
    out,
    'layerNorm',
    inputs,
    (g) => {
      const dx = x.requiresGrad ? gradOf(x) : null;
      const dw = weight?.requiresGrad ? gradOf(weight) : null;
      const db = bias?.requiresGrad ? gradOf(bias) : null;
      // dx += rstd·(ĝ − mean ĝ − x̂·mean(ĝ·x̂)) with ĝ = g·w; dw += Σ g·x̂; db += Σ g
      be.layerNormBackward(x.data, g, rows, cols, weight?.data ?? null, mean, rstd, dx, dw, db);
    },
    [mean, rstd],
  );
}

/** The registry entry of `layerNorm`. */
export const layerNormOp = {
  name: 'layerNorm',
  apply: layerNorm,
  summary: '(x − μ)·rstd·w + b over the last axis; fused backward',
} satisfies OpDef<'layerNorm'>;
