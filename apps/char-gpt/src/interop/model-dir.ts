// Opens any kind of model directory — a char-gpt checkpoint, a nanoGPT exchange directory, or a Hugging Face GPT-2 —
// for commands that only need the model.
import type { Tokenizer } from '@tinygpt/tokenizer';
import type { GptConfig, TrainConfig } from '../config.js';
import { readCheckpointMeta } from '../checkpoint/checkpoint-files.js';
import { loadModel } from '../checkpoint/load-model.js';
import type { Gpt } from '../model/gpt.js';
import { isExchangeDir, loadExchangeModel, readExchangeConfig } from './exchange-dir.js';
import { isHfGpt2Dir } from '../checkpoint/foreign-dirs.js';
import { loadHfGpt2, readHfGpt2Config } from './hf-gpt2.js';

/**
 * The model in `dir` with its tokenizer, in eval mode: a checkpoint written by `pnpm pretrain`
 * (checkpoint.json), an exchange directory written by `pnpm export` or
 * tools/nanogpt/export_from_nanogpt.py (config.json + model.safetensors), or a Hugging Face GPT-2
 * directory as published (config.json with `n_positions` + model.safetensors).
 * @throws CheckpointError when `dir` is none of these, or is damaged.
 *
 * @example
 * const { model, tokenizer } = await loadModelDir('runs/shakespeare-char-from-nanogpt');
 */
export async function loadModelDir(dir: string): Promise<{ model: Gpt; tokenizer: Tokenizer }> {
  if (isHfGpt2Dir(dir)) return loadHfGpt2(dir);
  if (isExchangeDir(dir)) return loadExchangeModel(dir);
  const { model, tokenizer } = await loadModel(dir);
  return { model, tokenizer };
}

/**
 * The model args of the model in `dir` (any kind), read without loading any tensor: what a run
 * started from `dir` must take as its shape.
 * @throws CheckpointError as {@link loadModelDir}.
 */
export function modelDirArgs(dir: string): GptConfig {
  if (isHfGpt2Dir(dir)) return readHfGpt2Config(dir);
  return isExchangeDir(dir) ? readExchangeConfig(dir).config : readCheckpointMeta(dir).modelArgs;
}

/** The kind of tokenizer of the model in `dir` (a run started from it must use the same). */
export function modelDirTokenizer(dir: string): TrainConfig['tokenizer'] {
  if (isHfGpt2Dir(dir)) return 'gpt2';
  if (isExchangeDir(dir)) return readExchangeConfig(dir).tokenizer.type;
  const json = readCheckpointMeta(dir).tokenizer as { type?: unknown };
  return json.type === 'gpt2' ? 'gpt2' : 'char';
}
