// Dropout as a layer: random zeroing while training, the identity in evaluation mode.

import { dropout } from '../functional/layers.js';
import type { Rng } from '../rng.js';
import type { Tensor } from '../tensor.js';
import { Module } from './module.js';

/**
 * Inverted dropout with probability p, drawing its masks from `rng`; `eval()` turns it off.
 * @example const drop = new Dropout(0.1, rng); const y = drop.forward(x);
 */
export class Dropout extends Module {
  /** Probability of zeroing an element. */
  readonly p: number;
  private readonly rng: Rng;

  constructor(p: number, rng: Rng) {
    super();
    if (!(p >= 0 && p <= 1)) throw new RangeError(`Dropout: p must be in [0, 1], got ${p}`);
    this.p = p;
    this.rng = rng;
  }

  /** x with elements dropped and survivors scaled by 1/(1 − p) in training mode; x itself in eval mode. */
  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.rng, this.training);
  }
}
