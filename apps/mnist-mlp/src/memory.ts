// Memory a network and its training will need, computed from --arch before anything is allocated, and the refusal
// of what cannot fit.
import { getBackend } from '@tinygpt/autograd';
import { formatBytes, memoryBudget } from '@tinygpt/cli-kit';
import type { MnistConfig } from './config.js';

/** Rows of a forward pass at evaluation (predictSet's chunk). */
const EVAL_ROWS = 1000;
/** MNIST's training images: no batch holds more. */
const MAX_BATCH_ROWS = 60_000;

/** Weights and biases of a fully connected network of layer sizes `sizes`. */
export function parameterCount(sizes: readonly number[]): number {
  let n = 0;
  for (let i = 1; i < sizes.length; i++) n += sizes[i - 1]! * sizes[i]! + sizes[i]!;
  return n;
}

/**
 * Bytes training needs, roughly: float32 weights and gradients, the optimizer's state (Adam two
 * moments, momentum one velocity), and three floats per neuron (input, pre-activation,
 * gradient) for the larger of a batch (at most the 60,000 training images) and an evaluation chunk
 * of 1,000 images.
 */
export function trainingBytes(sizes: readonly number[], config: Pick<MnistConfig, 'optimizer' | 'batchSize'>): number {
  const state = { sgd: 2, momentum: 3, adam: 4 }[config.optimizer] ?? 4;
  const neurons = sizes.reduce((a, b) => a + b, 0);
  return (
    4 * (state * parameterCount(sizes) + 3 * Math.max(Math.min(config.batchSize, MAX_BATCH_ROWS), EVAL_ROWS) * neurons)
  );
}

/**
 * Refuses, before the data is read or a weight allocated, a network (with its batch) whose
 * estimated memory exceeds what the backend can hold, naming the figure.
 * @throws Error of one line with the estimate and the budget.
 */
export function checkTrainingMemory(
  sizes: readonly number[],
  config: Pick<MnistConfig, 'arch' | 'optimizer' | 'batchSize'>,
  budget = memoryBudget(getBackend().name),
): void {
  const needed = trainingBytes(sizes, config);
  if (needed <= budget) return;
  throw new Error(
    `--arch ${config.arch} with --batch-size ${config.batchSize} needs about ${formatBytes(needed)} ` +
      `(${parameterCount(sizes).toLocaleString('en-US')} weights), more than the ${formatBytes(budget)} available ` +
      `to the ${getBackend().name === 'cpu' ? 'js' : getBackend().name} backend; use smaller layers or a smaller --batch-size`,
  );
}
