// A fully connected layer, y = x·Wᵀ + b, with PyTorch's (out, in) weight layout.

import { randn, zeros } from '../creation.js';
import { linear } from '../functional/layers.js';
import type { Rng } from '../rng.js';
import type { Tensor } from '../tensor.js';
import { Module } from './module.js';

/** Options of `Linear`. */
export interface LinearOptions {
  /** Add a learned bias (default true). */
  bias?: boolean;
  /** Source of the initial weights. */
  rng: Rng;
  /** Standard deviation of the normal initial weights (default 0.02, as GPT-2). */
  std?: number;
}

/**
 * x (..., in) → (..., out). Weight (out, in) ~ N(0, std²), bias (out) zeros.
 * @example const fc = new Linear(784, 128, { rng }); const h = fc.forward(x); // (B, 784) → (B, 128)
 */
export class Linear extends Module {
  /** (out, in), as PyTorch. */
  weight: Tensor;
  /** (out), or null without bias. */
  bias: Tensor | null;

  constructor(inFeatures: number, outFeatures: number, opts: LinearOptions) {
    super();
    this.weight = randn([outFeatures, inFeatures], opts.rng, { std: opts.std ?? 0.02, requiresGrad: true });
    this.bias = (opts.bias ?? true) ? zeros([outFeatures], { requiresGrad: true }) : null;
  }

  /** x·Wᵀ + b. */
  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }
}
