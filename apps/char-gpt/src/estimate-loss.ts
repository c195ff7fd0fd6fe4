// nanoGPT's estimate_loss: the mean loss over a few random batches of each split, with no graph recorded.
import { noGrad, tidy } from '@tinygpt/autograd';
import type { Rng } from '@tinygpt/autograd';
import { getBatch } from './data.js';
import { SignalWindow } from './signals.js';
import type { Splits } from './data.js';
import type { Gpt } from './model/gpt.js';

/** Thrown by {@link estimateLoss} when its `stop` asked it to give up (no loss was computed). */
export class EvaluationStopped extends Error {
  override name = 'EvaluationStopped';
}

/**
 * Mean loss over `evalIters` random (batchSize, blockSize) batches of the train and of the val
 * split, in eval mode (dropout off) and without recording a graph; the model goes back to
 * training mode afterwards. Batches are drawn from `rng`, as every random choice of a run. Each
 * batch frees everything it made (`tidy`); the event loop turns only now and then, for Ctrl-C
 * (see {@link SignalWindow}). When `stop` (checked before each batch) says so, the evaluation is
 * abandoned with {@link EvaluationStopped}: Ctrl-C does not wait for a long one (`--eval-iters 1e9`).
 */
export async function estimateLoss(
  model: Gpt,
  splits: Splits,
  opts: { evalIters: number; batchSize: number; blockSize: number; rng: Rng; stop?: () => boolean },
): Promise<{ train: number; val: number }> {
  const signals = new SignalWindow();
  const mean = async (data: Int32Array): Promise<number> => {
    let sum = 0;
    for (let k = 0; k < opts.evalIters; k++) {
      if (opts.stop?.()) throw new EvaluationStopped();
      const { x, y, shape } = getBatch(data, opts.batchSize, opts.blockSize, opts.rng);
      sum += tidy(() => noGrad(() => model.forward(x, shape, { targets: y }).loss!.item()));
      if (signals.due()) await signals.letIn();
    }
    return sum / opts.evalIters;
  };
  model.eval();
  try {
    const train = await mean(splits.train);
    return { train, val: await mean(splits.val) };
  } finally {
    model.train();
  }
}
