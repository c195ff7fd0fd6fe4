// Rebuilds a trained Gpt and its tokenizer from a checkpoint directory, for sampling and evaluation.
import { TokenizerError, tokenizerFromJSON } from '@tinygpt/tokenizer';
import type { Tokenizer } from '@tinygpt/tokenizer';
import { Gpt, weightsToLoad } from '../model/gpt.js';
import { checkMemory, checkWeightsCover } from '../memory.js';
import { readCheckpoint } from './checkpoint-files.js';
import { CheckpointError } from './format.js';
import type { CheckpointMeta } from './format.js';
import { loadModelTensors } from './model-state.js';

/** A trained model ready to sample from, in eval mode. */
export interface LoadedModel {
  model: Gpt;
  /** The checkpoint's tokenizer: characters, or GPT-2's BPE (whose model vocabulary may be padded beyond it). */
  tokenizer: Tokenizer;
  meta: CheckpointMeta;
}

/**
 * The model in checkpoint `dir` with its weights and tokenizer; the checkpoint's model args fix
 * its shape, so no flags are needed. The optimizer state is not read.
 * @throws CheckpointError when the checkpoint is missing, damaged, or does not fit its own model args.
 */
export async function loadModel(dir: string): Promise<LoadedModel> {
  const { meta, model: weights } = readCheckpoint(dir, { optimizer: false });
  let tokenizer: Tokenizer;
  try {
    tokenizer = await tokenizerFromJSON(meta.tokenizer);
  } catch (err) {
    if (err instanceof TokenizerError)
      throw new CheckpointError(`${dir}/checkpoint.json has a damaged tokenizer: ${err.message}`);
    throw err;
  }
  // A GPT-2 model's vocabulary is padded (50,304 for 50,257 tokens); a character model's is exact.
  const fits =
    tokenizer.toJSON().type === 'char'
      ? tokenizer.vocabSize === meta.modelArgs.vocabSize
      : tokenizer.vocabSize <= meta.modelArgs.vocabSize;
  if (!fits) {
    throw new CheckpointError(
      `${dir}/checkpoint.json: the tokenizer has ${tokenizer.vocabSize} tokens but the model ${meta.modelArgs.vocabSize}`,
    );
  }
  checkWeightsCover(meta.modelArgs, weights, `${dir}/model.safetensors`);
  checkMemory(meta.modelArgs, { batchSize: 1, training: false }, `the model in ${dir}`);
  // The initial weights are overwritten at once, so any seed will do.
  const model = new Gpt(meta.modelArgs, { rng: weightsToLoad() });
  loadModelTensors(model, weights, `${dir}/model.safetensors`);
  model.eval();
  return { model, tokenizer, meta };
}
