// Loss functions: cross-entropy (the fused op, and its composition for tests) and mean squared error.

import { fromArray } from '../creation.js';
import { gather } from '../ops/gather.js';
import { mul } from '../ops/mul.js';
import { neg } from '../ops/neg.js';
import { reshape } from '../ops/reshape.js';
import { sub } from '../ops/sub.js';
import { sum } from '../ops/sum.js';
import { sameShape, showShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { mean } from './reduce.js';
import { logSoftmaxComposed } from './softmax.js';

export { crossEntropy } from '../ops/cross-entropy.js';
export type { CrossEntropyOptions } from '../ops/cross-entropy.js';

/**
 * Cross-entropy composed from primitives: −Σ_counted gather(logSoftmax(z), target) / count.
 * The reference the fused `crossEntropy` is tested against.
 */
export function crossEntropyComposed(logits: Tensor, targets: Int32Array, opts: { ignoreIndex?: number } = {}): Tensor {
  const ignoreIndex = opts.ignoreIndex ?? -100;
  const V = logits.shape[logits.ndim - 1]!;
  const N = targets.length;
  const safe = targets.map((t) => (t === ignoreIndex ? 0 : t));
  const counted = Array.from(targets, (t): number => (t === ignoreIndex ? 0 : 1));
  const count = counted.reduce((a, b) => a + b, 0);
  const logp = logSoftmaxComposed(reshape(logits, [N, V])); // (N, V)
  const picked = gather(logp, 1, safe); // (N, 1)
  const weights = fromArray(
    counted.map((c) => c / count),
    [N, 1],
  );
  return neg(sum(mul(picked, weights)));
}

/** Options of `mseLoss`. */
export interface MseLossOptions {
  /** 'mean' (default) or 'sum' of the squared errors. */
  reduction?: 'mean' | 'sum';
}

/**
 * Mean (or sum) of (pred − target)² over all elements; pred and target must have the same shape.
 * @example mseLoss(model.forward(x), y).backward();
 */
export function mseLoss(pred: Tensor, target: Tensor, opts: MseLossOptions = {}): Tensor {
  if (!sameShape(pred.shape, target.shape)) {
    throw new Error(`mseLoss: pred ${showShape(pred.shape)} and target ${showShape(target.shape)} differ in shape`);
  }
  const d = sub(pred, target);
  const sq = mul(d, d);
  const reduction = opts.reduction ?? 'mean';
  if (reduction === 'sum') return sum(sq);
  if (reduction === 'mean') return mean(sq);
  throw new Error(`mseLoss: reduction must be 'mean' or 'sum', got '${String(reduction)}'`);
}
