// Optimizer updates applied in place: AdamW (Loshchilov & Hutter 2019) and SGD with momentum, as in PyTorch.

import type { AdamWParam, AdamWStep, SgdStep } from '../backend.js';

/** torch.optim.AdamW: p ← p(1 − lr·wd); m, v ← moments; p ← p − (lr/bc1)·m / (√v/√bc2 + eps). */
export function adamw(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, s: AdamWStep): void {
  const { lr, beta1, beta2, eps, weightDecay } = s;
  const decay = 1 - lr * weightDecay;
  const stepSize = lr / s.bc1;
  const sqrtBc2 = Math.sqrt(s.bc2);
  const b1c = 1 - beta1;
  const b2c = 1 - beta2;
  for (let i = 0; i < p.length; i++) {
    const gi = g[i]!;
    const mi = beta1 * m[i]! + b1c * gi;
    const vi = beta2 * v[i]! + b2c * gi * gi;
    m[i] = mi;
    v[i] = vi;
    p[i] = p[i]! * decay - (stepSize * mi) / (Math.sqrt(vi) / sqrtBc2 + eps);
  }
}

/** `adamw` over every entry, in order. */
export function adamwMany(params: readonly AdamWParam[]): void {
  for (const { p, g, m, v, step } of params) adamw(p, g, m, v, step);
}

/** torch.optim.SGD (dampening 0): d = g + wd·p; buf ← momentum·buf + d; p ← p − lr·buf. */
export function sgd(p: Float32Array, g: Float32Array, buf: Float32Array | null, s: SgdStep): void {
  const { lr, momentum, weightDecay } = s;
  for (let i = 0; i < p.length; i++) {
    let d = g[i]! + weightDecay * p[i]!;
    if (buf) {
      d = momentum * buf[i]! + d;
      buf[i] = d;
    }
    p[i] = p[i]! - lr * d;
  }
}
