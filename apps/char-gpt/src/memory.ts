// Memory a GPT will need, computed from its config before anything is allocated, and the refusal of what cannot fit.
import { getBackend } from '@tinygpt/autograd';
import { formatBytes, memoryBudget } from '@tinygpt/cli-kit';
import type { GptConfig } from './config.js';
import { CheckpointError } from './checkpoint/format.js';

/** Parameters of a GPT of shape `config` (nanoGPT's count, tied lm_head counted once). */
export function parameterCount(config: GptConfig): number {
  const { vocabSize: V, blockSize: T, nLayer: L, nEmbd: C, bias } = config;
  const b = bias ? 1 : 0;
  const perLayer = 12 * C * C + 2 * C + b * 11 * C; // ln_1, c_attn, c_proj, ln_2, c_fc, mlp c_proj
  return V * C + T * C + L * perLayer + C + b * C; // wte, wpe, blocks, ln_f
}

/** What a model and its work will take, in bytes. */
export interface MemoryEstimate {
  /** The weights alone (float32). */
  weights: number;
  /** Weights, gradients and AdamW's two moments. */
  training: number;
  /** Activations kept for the backward pass of one (batch, block) micro-batch. */
  activations: number;
  /** What the job needs in total: training + activations, or weights + one forward pass for sampling. */
  total: number;
}

/**
 * Estimates memory from the config alone: 4 bytes per parameter for sampling, 16 for training
 * (weights, gradients, two AdamW moments), plus the activations a (batchSize, blockSize) batch
 * keeps per layer (about 34·C + 5·nHead·T floats per position, as in Korthikanti et al. 2022) and
 * the logits. Rough by design: it exists to refuse sizes that cannot fit before they are tried.
 */
export function estimateMemory(config: GptConfig, batch: { batchSize: number; training: boolean }): MemoryEstimate {
  const { vocabSize: V, blockSize: T, nLayer: L, nHead: H, nEmbd: C } = config;
  const weights = 4 * parameterCount(config);
  const positions = batch.batchSize * T;
  const perLayer = batch.training ? L * (34 * C + 5 * H * T) : 16 * C + 2 * H * T;
  const activations = 4 * positions * (perLayer + 3 * V);
  const training = batch.training ? 4 * weights : weights;
  return { weights, training, activations, total: training + activations };
}

/**
 * Refuses, before anything is allocated, a model (and for training, a batch) whose estimated
 * memory exceeds what the backend can hold, naming the figure. `what` says whose model it is.
 * @throws CheckpointError with the estimate and the budget.
 */
export function checkMemory(
  config: GptConfig,
  batch: { batchSize: number; training: boolean; gradAccum?: number },
  what: string,
  budget = memoryBudget(getBackend().name),
): MemoryEstimate {
  const estimate = estimateMemory(config, batch);
  if (!(estimate.total <= budget)) {
    const detail = batch.training
      ? `${formatBytes(estimate.training)} for weights, gradients and AdamW moments + ` +
        `${formatBytes(estimate.activations)} of activations for batch ${batch.batchSize} × block ` +
        `${config.blockSize}`
      : `${formatBytes(estimate.weights)} of weights + ${formatBytes(estimate.activations)} for a forward pass`;
    const smaller = 'make it smaller (--n-layer, --n-embd, --block-size, --batch-size)';
    const split = batch.training ? splitBatch(config, batch, budget) : undefined;
    const ways = split
      ? `${smaller}, or split each step into micro-batches: --batch-size ${split.batchSize} --grad-accum ` +
        `${split.gradAccum} trains on the same ${split.sequences} sequences a step`
      : smaller;
    throw new CheckpointError(
      `${what} needs about ${formatBytes(estimate.total)} (${detail}), more than the ${formatBytes(budget)} ` +
        `available to the ${backendName()} backend; ${ways}`,
    );
  }
  return estimate;
}

/**
 * The fewest micro-batches a training step of `batch` can be cut into (an exact divisor of its
 * batch size, more accumulation to match) for the estimate to fit `budget`; undefined if none does.
 */
function splitBatch(
  config: GptConfig,
  batch: { batchSize: number; gradAccum?: number },
  budget: number,
): { batchSize: number; gradAccum: number; sequences: number } | undefined {
  const accum = batch.gradAccum ?? 1;
  for (let parts = 2; parts <= batch.batchSize; parts++) {
    if (batch.batchSize % parts !== 0) continue;
    const batchSize = batch.batchSize / parts;
    if (estimateMemory(config, { batchSize, training: true }).total <= budget)
      return { batchSize, gradAccum: accum * parts, sequences: batch.batchSize * accum };
  }
  return undefined;
}

/**
 * Refuses, before a model is built, a config that describes far more parameters (over twice as
 * many) than the weight file holds values (a hand-edited `n_layer: 200000` beside a small model.safetensors): building it
 * would allocate gigabytes only to find the tensors missing.
 * @throws CheckpointError naming both counts.
 */
export function checkWeightsCover(
  config: GptConfig,
  tensors: Record<string, { data: { length: number } }>,
  where: string,
): void {
  const needed = parameterCount(config);
  let held = 0;
  for (const t of Object.values(tensors)) held += t.data.length;
  // Only a gross mismatch is refused here (files may list the tied lm_head twice, or once under
  // either name); a missing or misshapen tensor gets its own message when the weights are loaded.
  if (needed > 2 * held) {
    throw new CheckpointError(
      `${where} holds ${held.toLocaleString('en-US')} weights, but the model its config describes needs ` +
        `${needed.toLocaleString('en-US')} (${formatBytes(4 * needed)}); the config does not match the weights`,
    );
  }
}

/** The active backend as the `--backend` flag names it (autograd calls the js one `cpu`). */
function backendName(): string {
  const name = getBackend().name;
  return name === 'cpu' ? 'js' : name;
}
