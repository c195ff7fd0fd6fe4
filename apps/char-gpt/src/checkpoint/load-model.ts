// Rebuilds a trained Gpt and its tokenizer from a checkpoint directory, for sampling and evaluation.
import { CharTokenizer, TokenizerError } from '@tinygpt/tokenizer';
import { Gpt, weightsToLoad } from '../model/gpt.js';
import { readCheckpoint } from './checkpoint-files.js';
import { CheckpointError } from './format.js';
import type { CheckpointMeta } from './format.js';
import { loadModelTensors } from './model-state.js';

/** A trained model ready to sample from, in eval mode. */
export interface LoadedModel {
  model: Gpt;
  tokenizer: CharTokenizer;
  meta: CheckpointMeta;
}

/**
 * The model in checkpoint `dir` with its weights and tokenizer; the checkpoint's model args fix
 * its shape, so no flags are needed. The optimizer state is not read.
 * @throws CheckpointError when the checkpoint is missing, damaged, or does not fit its own model args.
 */
export function loadModel(dir: string): LoadedModel {
  const { meta, model: weights } = readCheckpoint(dir, { optimizer: false });
  let tokenizer: CharTokenizer;
  try {
    tokenizer = CharTokenizer.fromJSON(meta.tokenizer);
  } catch (err) {
    if (err instanceof TokenizerError)
      throw new CheckpointError(`${dir}/checkpoint.json has a damaged tokenizer: ${err.message}`);
    throw err;
  }
  if (tokenizer.vocabSize !== meta.modelArgs.vocabSize) {
    throw new CheckpointError(
      `${dir}/checkpoint.json: the tokenizer has ${tokenizer.vocabSize} characters but the model ${meta.modelArgs.vocabSize}`,
    );
  }
  // The initial weights are overwritten at once, so any seed will do.
  const model = new Gpt(meta.modelArgs, { rng: weightsToLoad() });
  loadModelTensors(model, weights, `${dir}/model.safetensors`);
  model.eval();
  return { model, tokenizer, meta };
}
