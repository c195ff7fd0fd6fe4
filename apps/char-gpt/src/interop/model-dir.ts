// Opens either kind of model directory — a char-gpt checkpoint or a nanoGPT exchange directory — for commands that only need the model.
import type { CharTokenizer } from '@tinygpt/tokenizer';
import type { GptConfig } from '../config.js';
import { readCheckpointMeta } from '../checkpoint/checkpoint-files.js';
import { loadModel } from '../checkpoint/load-model.js';
import type { Gpt } from '../model/gpt.js';
import { isExchangeDir, loadExchangeModel, readExchangeConfig } from './exchange-dir.js';

/**
 * The model in `dir` with its tokenizer, in eval mode: a checkpoint written by `pnpm pretrain`
 * (checkpoint.json), or an exchange directory written by `pnpm export` or
 * tools/nanogpt/export_from_nanogpt.py (config.json + model.safetensors).
 * @throws CheckpointError when `dir` is neither, or is damaged.
 *
 * @example
 * const { model, tokenizer } = loadModelDir('runs/shakespeare-char-from-nanogpt');
 */
export function loadModelDir(dir: string): { model: Gpt; tokenizer: CharTokenizer } {
  if (isExchangeDir(dir)) return loadExchangeModel(dir);
  const { model, tokenizer } = loadModel(dir);
  return { model, tokenizer };
}

/**
 * The model args of the model in `dir` (either kind), read without loading any tensor: what a run
 * started from `dir` must take as its shape.
 * @throws CheckpointError as {@link loadModelDir}.
 */
export function modelDirArgs(dir: string): GptConfig {
  return isExchangeDir(dir) ? readExchangeConfig(dir).config : readCheckpointMeta(dir).modelArgs;
}
