// Softmax with temperature over a row of logits, numerically stable (the row max is subtracted first), and argmax.
import { SamplerError } from './sampler-error.js';

/** Throws unless `temperature` is a finite number ≥ 0. */
export function checkTemperature(temperature: number): void {
  if (typeof temperature !== 'number' || !Number.isFinite(temperature) || temperature < 0) {
    throw new SamplerError(`temperature must be a finite number >= 0, got ${temperature}`);
  }
}

/**
 * The largest logit and its lowest index, in one pass that also checks the row: it must be
 * non-empty, free of NaN and +Infinity, and not entirely -Infinity (-Infinity masks a token out).
 */
export function scanLogits(logits: Float32Array): { max: number; argmax: number } {
  if (logits.length === 0) throw new SamplerError('logits are empty: there is no token to choose');
  let max = -Infinity;
  let argmax = -1;
  for (let i = 0; i < logits.length; i++) {
    const logit = logits[i]!;
    if (logit > max) {
      max = logit;
      argmax = i;
    } else if (!(logit <= max)) {
      throw new SamplerError(`logits[${i}] is NaN`);
    }
  }
  if (max === Infinity) throw new SamplerError(`logits[${argmax}] is +Infinity`);
  if (argmax < 0) throw new SamplerError('every logit is -Infinity: there is no token to choose');
  return { max, argmax };
}

/**
 * Index of the largest logit; on ties the lowest index wins. Shape: `[V]` → a token id.
 *
 * @example
 * argmax(Float32Array.of(1, 3, 3)); // 1
 */
export function argmax(logits: Float32Array): number {
  return scanLogits(logits).argmax;
}

/**
 * Softmax with temperature: `p_i = exp((l_i - max) / T) / Σ_j exp((l_j - max) / T)`, computed in
 * float64 after subtracting the largest logit, so no exponent overflows. Lower temperatures sharpen
 * the distribution, higher ones flatten it towards uniform; `T = 0` is its limit, all mass on the
 * argmax (lowest index on ties), with no division by zero. `-Infinity` logits get probability 0.
 * Shape: `[V]` → `[V]`.
 *
 * @example
 * softmax(Float32Array.of(1, 2, 3)); // [0.0900, 0.2447, 0.6652]
 * softmax(Float32Array.of(1, 2, 3), 0); // [0, 0, 1]
 */
export function softmax(logits: Float32Array, temperature = 1): Float32Array {
  checkTemperature(temperature);
  const { max, argmax } = scanLogits(logits);
  const probs = new Float32Array(logits.length);
  if (temperature === 0) {
    probs[argmax] = 1;
    return probs;
  }
  const weights = new Float64Array(logits.length);
  let total = 0;
  for (let i = 0; i < logits.length; i++) {
    weights[i] = Math.exp((logits[i]! - max) / temperature); // in [0, 1]; 1 at the max
    total += weights[i]!;
  }
  for (let i = 0; i < logits.length; i++) probs[i] = weights[i]! / total;
  return probs;
}

/**
 * Shannon entropy `-Σ p_i ln p_i` of a probability distribution, in nats: 0 when one token is
 * certain, `ln V` when all `V` are equally likely. Zero probabilities contribute nothing.
 *
 * @example
 * entropy(softmax(new Float32Array(4))); // ln 4 ≈ 1.3863
 */
export function entropy(probs: ArrayLike<number>): number {
  let h = 0;
  for (let i = 0; i < probs.length; i++) {
    const p = probs[i]!;
    if (p > 0) h -= p * Math.log(p);
  }
  return h;
}
