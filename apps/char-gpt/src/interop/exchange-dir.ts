// Reads and writes a nanoGPT exchange directory: model.safetensors (nanoGPT state-dict names, float32) and
// config.json (model args and tokenizer).
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SafetensorsError, decodeSafetensors, encodeSafetensors, findNonFinite } from '@tinygpt/autograd/safetensors';
import {
  dirRefusal,
  lockDir,
  readDirConsistent,
  readableDir,
  recoverDirSwap,
  replaceDirAtomic,
} from '@tinygpt/cli-kit';
import { TokenizerError, tokenizerFromJSON } from '@tinygpt/tokenizer';
import type { Tokenizer, TokenizerJson } from '@tinygpt/tokenizer';
import type { GptConfig } from '../config.js';
import { readRunFile } from '../checkpoint/checkpoint-files.js';
import type { NamedTensor } from '../checkpoint/checkpoint-files.js';
import { CheckpointError } from '../checkpoint/format.js';
import { loadModelTensors } from '../checkpoint/model-state.js';
import { Gpt, weightsToLoad } from '../model/gpt.js';
import { checkMemory, checkWeightsCover } from '../memory.js';
import { EXCHANGE_FILES, parseExchangeConfig, toExchangeConfig } from './exchange-config.js';
import type { ExchangeConfig } from './exchange-config.js';
import { fromNanoGptState } from './nanogpt-state.js';

/** The contents of an exchange directory, in our terms. */
export interface ExchangeContents {
  /** The model's shape (from config.json's nanoGPT model args). */
  config: GptConfig;
  /** The tokenizer's JSON: `{ type: 'char', chars }` (config.json's `chars`) or `{ type: 'gpt2' }`. */
  tokenizer: TokenizerJson;
  /**
   * Weights by nanoGPT name, exactly the model's parameters plus `lm_head.weight` (the same
   * numbers as `transformer.wte.weight`): what `loadModelTensors` takes.
   */
  weights: Record<string, NamedTensor>;
}

/** A model read from an exchange directory, in eval mode. */
export interface ExchangeModel {
  model: Gpt;
  /** Characters, or GPT-2's BPE (whose 50,257 ids may be fewer than the model's padded vocabulary). */
  tokenizer: Tokenizer;
  config: GptConfig;
}

/**
 * Whether `dir` is an exchange directory rather than a char-gpt checkpoint: it holds config.json
 * and no checkpoint.json.
 */
export function isExchangeDir(dir: string): boolean {
  const at = readableDir(dir) ?? dir;
  return existsSync(join(at, 'config.json')) && !existsSync(join(at, 'checkpoint.json'));
}

/**
 * Reads the exchange directory `dir` (written by `pnpm export` or by
 * tools/nanogpt/export_from_nanogpt.py) and checks it whole: config.json's keys and values, the
 * safetensors header (dtypes, shapes, offsets within the file), and that the tensors are exactly
 * the parameters of the model config.json describes. nanoGPT's own quirks are accepted (see
 * `fromNanoGptState`).
 * @throws CheckpointError with one message naming the file and what is wrong.
 */
export function readExchangeDir(dir: string): ExchangeContents {
  return openExchangeDir(dir).contents;
}

/**
 * The model of exchange directory `dir` with its weights, ready to sample or evaluate (eval
 * mode), and its tokenizer.
 * @throws CheckpointError as {@link readExchangeDir}.
 *
 * @example
 * const { model, tokenizer } = await loadExchangeModel('out/exchange');
 * const ids = await generate(model, tokenizer.encode('\n'), { maxNewTokens: 100, temperature: 0.8, rng });
 */
export async function loadExchangeModel(dir: string): Promise<ExchangeModel> {
  const { contents, model } = openExchangeDir(dir);
  loadModelTensors(model, contents.weights, join(dir, 'model.safetensors'));
  model.eval();
  let tokenizer: Tokenizer;
  try {
    tokenizer = await tokenizerFromJSON(contents.tokenizer);
  } catch (err) {
    if (err instanceof TokenizerError) throw new CheckpointError(`${join(dir, 'config.json')}: ${err.message}`);
    throw err;
  }
  return { model, tokenizer, config: contents.config };
}

/**
 * config.json of exchange directory `dir`, checked; no tensor is read.
 * @throws CheckpointError when it is missing, not JSON, or not a valid config.
 */
export function readExchangeConfig(dir: string): ExchangeConfig {
  return readDirConsistent(dir, (at) => readExchangeConfigAt(dir, at), noExchangeDir);
}

function noExchangeDir(dir: string): CheckpointError {
  return new CheckpointError(`no exchange directory at ${dir}: the directory does not exist`);
}

function readExchangeConfigAt(dir: string, at: string): ExchangeConfig {
  const path = join(dir, 'config.json');
  const text = readRunFile(
    join(at, 'config.json'),
    path,
    `exchange directory ${dir} is incomplete: config.json is missing`,
  );
  let json: unknown;
  try {
    json = JSON.parse(text.toString('utf8'));
  } catch {
    throw new CheckpointError(`${path} is not valid JSON (truncated?)`);
  }
  return parseExchangeConfig(json, path);
}

/** The directory's contents and a model of its shape (random weights), which fixed the expected tensors. */
function openExchangeDir(dir: string): { contents: ExchangeContents; model: Gpt } {
  return readDirConsistent(dir, (at) => openExchangeDirAt(dir, at), noExchangeDir);
}

function openExchangeDirAt(dir: string, at: string): { contents: ExchangeContents; model: Gpt } {
  if (!statSync(at).isDirectory()) throw new CheckpointError(`no exchange directory at ${dir}: not a directory`);
  for (const name of EXCHANGE_FILES) {
    if (!existsSync(join(at, name))) {
      throw new CheckpointError(
        `exchange directory ${dir} is incomplete: ${name} is missing (it needs ${EXCHANGE_FILES.join(' and ')})`,
      );
    }
  }
  const { config, tokenizer } = readExchangeConfigAt(dir, at);
  const modelPath = join(dir, 'model.safetensors');
  let tensors: Record<string, NamedTensor>;
  try {
    tensors = decodeSafetensors(new Uint8Array(readRunFile(join(at, 'model.safetensors'), modelPath))).tensors;
  } catch (err) {
    if (err instanceof SafetensorsError) throw new CheckpointError(`${modelPath} is damaged: ${err.message}`);
    throw err;
  }
  const bad = findNonFinite(tensors);
  if (bad) throw new CheckpointError(`${modelPath} holds ${bad.value} in "${bad.name}"; refusing non-finite weights`);
  checkWeightsCover(config, tensors, modelPath);
  checkMemory(config, { batchSize: 1, training: false }, `the model in ${dir}`);
  // The initial weights are overwritten or discarded, so any seed will do.
  const model = new Gpt(config, { rng: weightsToLoad() });
  const weights = fromNanoGptState(tensors, model, modelPath);
  return { contents: { config, tokenizer, weights }, model };
}

/**
 * Why `dir` cannot be written as an exchange directory, or null when it can: a file is there, or a
 * directory holding anything besides the two exchange files (an earlier export, which is replaced).
 * `shown` is how the message names `dir`.
 */
export function exchangeDirRefusal(dir: string, shown = dir): string | null {
  return dirRefusal(dir, EXCHANGE_FILES, 'an exchange directory', shown);
}

/**
 * Writes an exchange directory: `weights` (nanoGPT names, as `modelTensors` gives them) to
 * model.safetensors in float32, and config.json. The directory is replaced whole by the one
 * implementation of run directories (`replaceDirAtomic`, under the writer's lock), so `dir` never
 * holds a mix of old and new files, nor a half-written one. An existing `dir` may hold only the
 * two exchange files.
 * @throws CheckpointError when `dir` holds other files, or a weight is not finite.
 */
export function writeExchangeDir(dir: string, contents: ExchangeContents): void {
  const refusal = exchangeDirRefusal(dir);
  if (refusal) throw new CheckpointError(refusal);
  const bad = findNonFinite(contents.weights);
  if (bad) throw new CheckpointError(`not exporting to ${dir}: "${bad.name}" holds ${bad.value}`);
  const config = toExchangeConfig(contents.config, contents.tokenizer);
  const model = encodeSafetensors(contents.weights, { format: 'pt' });
  const release = lockDir(dir, 'exchange directory');
  try {
    recoverDirSwap(dir, EXCHANGE_FILES);
    replaceDirAtomic(
      dir,
      { 'model.safetensors': model, 'config.json': `${JSON.stringify(config, null, 1)}\n` },
      { owned: EXCHANGE_FILES },
    );
  } finally {
    release();
  }
}
