// Fused softmax cross-entropy with integer targets: L = mean(logsumexp(z) − z[target]), dz = (softmax − onehot)/n.

import { getBackend } from '../backend/active.js';
import { scalar } from '../creation.js';
import { gradOf, record } from '../graph.js';
import { showShape } from '../shape.js';
import { allocStorage } from '../storage.js';
import type { Tensor } from '../tensor.js';
import type { OpDef } from './op-def.js';

/** Options of `crossEntropy`. */
export interface CrossEntropyOptions {
  /** Rows whose target equals this are left out of the loss and the mean (default −100, as PyTorch). */
  ignoreIndex?: number;
}

/**
 * Mean negative log-likelihood of `targets` under softmax(logits): logits (N, V) or (..., V)
 * flattened to N rows, `targets` N class ids. A scalar; NaN when every row is ignored.
 * Tested equal, value and gradient, to −mean(gather(logSoftmax(logits), targets)).
 */
export function crossEntropy(logits: Tensor, targets: Int32Array, opts: CrossEntropyOptions = {}): Tensor {
  const ignoreIndex = opts.ignoreIndex ?? -100;
  if (logits.ndim < 1) throw new Error('crossEntropy: logits need a class axis');
  const cols = logits.shape[logits.ndim - 1]!;
  const rows = cols === 0 ? 0 : logits.size / cols;
  if (targets.length !== rows) {
    throw new Error(`crossEntropy: ${targets.length} targets for logits ${showShape(logits.shape)} (${rows} rows)`);
  }
  for (let i = 0; i < rows; i++) {
    const t = targets[i]!;
    if (t !== ignoreIndex && (t < 0 || t >= cols)) {
      throw new RangeError(`crossEntropy: target ${t} at row ${i} is outside [0, ${cols})`);
    }
  }
  const ids = targets.slice(); // the caller may reuse its buffer before backward
  const be = getBackend();
  const lse = allocStorage(rows); // log Σ exp per row: all backward needs besides the logits
  const { sum, count } = be.crossEntropy(logits.data, rows, cols, ids, ignoreIndex, lse);
  const out = scalar(sum / count);
  // dz += g·(softmax(z) − onehot(target))/count
  return record(
    out,
    'crossEntropy',
    [logits],
    (g) => be.crossEntropyBackward(logits.data, lse, rows, cols, ids, ignoreIndex, g[0]! / count, gradOf(logits)),
    [lse],
  );
}

/** The registry entry of `crossEntropy`. */
export const crossEntropyOp = {
  name: 'crossEntropy',
  apply: crossEntropy,
  summary: 'mean −log softmax(z)[target]; dz = (softmax − onehot)/n',
} satisfies OpDef<'crossEntropy'>;
