// Layer normalisation over the last axis with a learned gain and (optionally) bias.

import { ones, zeros } from '../creation.js';
import { layerNorm } from '../functional/layers.js';
import type { Tensor } from '../tensor.js';
import { Module } from './module.js';

/**
 * x (..., nDim) normalised over nDim to zero mean and unit variance, then ·weight + bias.
 * weight starts at ones and bias at zeros; `bias: false` leaves the bias out (nanoGPT's option).
 * @example const lnF = new LayerNorm(128); const y = lnF.forward(x); // (B, T, 128)
 */
export class LayerNorm extends Module {
  /** Gain (nDim), initially ones. */
  weight: Tensor;
  /** Bias (nDim), initially zeros; null with `bias: false`. */
  bias: Tensor | null;
  /** Added to the variance under the square root. */
  readonly eps: number;

  constructor(nDim: number, opts: { bias?: boolean; eps?: number } = {}) {
    super();
    this.weight = ones([nDim], { requiresGrad: true });
    this.bias = (opts.bias ?? true) ? zeros([nDim], { requiresGrad: true }) : null;
    this.eps = opts.eps ?? 1e-5;
  }

  /** The normalised x, same shape. */
  forward(x: Tensor): Tensor {
    return layerNorm(x, this.weight, this.bias, this.eps);
  }
}
