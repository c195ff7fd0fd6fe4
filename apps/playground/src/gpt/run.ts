// A training run held by the worker — model, optimizer, generator, data, counters — started fresh, restored from
// checkpoint files, or saved to them.
import {
  CheckpointError,
  Gpt,
  RunRng,
  configureOptimizer,
  fromNanoGptState,
  loadModelTensors,
  loadOptimizerTensors,
  runCheckpoint,
  splitIds,
} from '@tinygpt/char-gpt/browser';
import type { ConfiguredOptimizer, GptConfig, Splits, TrainConfig } from '@tinygpt/char-gpt/browser';
import { CharTokenizer, TokenizerError, tokenizerFromJSON } from '@tinygpt/tokenizer';
import type { Tokenizer } from '@tinygpt/tokenizer';
import { checkpointFiles, openDirFiles } from './checkpoint.js';
import { BASE_CONFIG } from './presets.js';
import type { DirFiles, ModelInfo, ModelOrigin } from './protocol.js';

/** Everything the training loop reads and advances, as char-gpt's own Run. */
export interface PlayRun {
  config: TrainConfig;
  model: Gpt;
  opt: ConfiguredOptimizer;
  rng: RunRng;
  /** Characters (a run trained here), or GPT-2's BPE (a `pnpm pretrain --tokenizer gpt2` checkpoint). */
  tokenizer: Tokenizer;
  /** Null for a model opened without its corpus: it samples but does not train. */
  splits: Splits | null;
  corpus: { name: string; source: string; characters: number };
  /** Trained in the page (the stored run is one too), or opened from the user's files. */
  origin: ModelOrigin;
  iter: number;
  evaluated: boolean;
  bestValLoss: number | null;
}

/** The model's shape from the training config, as char-gpt's `modelArgs`. */
export function modelArgs(config: TrainConfig, vocabSize: number): GptConfig {
  const { nLayer, nHead, nEmbd, blockSize, dropout, bias } = config;
  return { vocabSize, nLayer, nHead, nEmbd, blockSize, dropout, bias };
}

/** A new run on `text` from `config.seed`, as `pnpm pretrain` starts one. */
export function newRun(config: TrainConfig, text: string, corpusName: string): PlayRun {
  const tokenizer = CharTokenizer.fromText(text);
  const ids = tokenizer.encode(text);
  const rng = new RunRng(config.seed);
  const model = new Gpt(modelArgs(config, tokenizer.vocabSize), { rng });
  return {
    config,
    model,
    opt: configureOptimizer(model, config),
    rng,
    tokenizer,
    splits: splitIds(ids, config.blockSize),
    corpus: { name: corpusName, source: corpusName, characters: ids.length },
    origin: { kind: 'run' },
    iter: 0,
    evaluated: false,
    bestValLoss: null,
  };
}

/** The run's checkpoint files (what `pnpm pretrain` writes into its out dir). */
export function saveRun(run: PlayRun): DirFiles {
  const { meta, model, optimizer } = runCheckpoint(run);
  return checkpointFiles(meta, model, optimizer);
}

/**
 * The run in `files`: a checkpoint continues exactly (weights, moments, generator, counters)
 * when `text` is its corpus and the optimizer state is present (the page's stored run); otherwise
 * (a checkpoint or exchange directory the user opened, `text` null) the model only samples.
 */
export async function openRun(files: DirFiles, name: string, text: string | null): Promise<PlayRun> {
  const dir = await openDirFiles(files, name);
  if (dir.kind === 'exchange') {
    const tokenizer = await openTokenizer(dir.tokenizer, dir.config, `${name}/config.json`);
    const rng = new RunRng(0);
    const model = new Gpt(dir.config, { rng });
    loadModelTensors(model, fromNanoGptState(dir.model, model, `${name}/model.safetensors`), name);
    const config: TrainConfig = { ...exchangeTrainConfig(dir.config), tokenizer: tokenizer.toJSON().type };
    return {
      config,
      model,
      opt: configureOptimizer(model, config),
      rng,
      tokenizer,
      splits: null,
      corpus: { name, source: name, characters: 0 },
      origin: { kind: 'exchange', name },
      iter: 0,
      evaluated: true,
      bestValLoss: null,
    };
  }
  const { meta } = dir;
  const tokenizer = await openTokenizer(meta.tokenizer, meta.modelArgs, `${name}/checkpoint.json`);
  const rng = new RunRng(meta.config.seed);
  const model = new Gpt(meta.modelArgs, { rng });
  loadModelTensors(model, dir.model, `${name}/model.safetensors`);
  const opt = configureOptimizer(model, meta.config);
  let splits: Splits | null = null;
  if (dir.optimizer && text !== null) {
    loadOptimizerTensors(opt, dir.optimizer, meta.optimizer, `${name}/optimizer.safetensors`);
    splits = splitIds(tokenizer.encode(text), meta.config.blockSize);
  }
  rng.restore(meta.rng);
  return {
    config: meta.config,
    model,
    opt,
    rng,
    tokenizer,
    splits,
    corpus: meta.corpus,
    origin: text === null ? { kind: 'checkpoint', name } : { kind: 'run' },
    iter: meta.iter,
    evaluated: meta.evaluated,
    bestValLoss: meta.bestValLoss,
  };
}

/** What the page shows about a run. */
export function runInfo(run: PlayRun): ModelInfo {
  const { config } = run.model;
  return {
    iter: run.iter,
    maxIters: run.config.maxIters,
    params: run.model.numParams(),
    vocabSize: config.vocabSize,
    blockSize: config.blockSize,
    nLayer: config.nLayer,
    nHead: config.nHead,
    tokenizer: run.tokenizer.toJSON().type,
    source: run.corpus.name,
    origin: run.origin,
    trainable: run.splits !== null,
  };
}

/**
 * The tokenizer a checkpoint or exchange directory names (GPT-2's is loaded on first use), checked
 * against the model: a character model has one row per character, a GPT-2 model at least 50,257.
 */
async function openTokenizer(json: unknown, config: GptConfig, where: string): Promise<Tokenizer> {
  let tokenizer: Tokenizer;
  try {
    tokenizer = await tokenizerFromJSON(json);
  } catch (err) {
    if (err instanceof TokenizerError) throw new CheckpointError(`${where}: ${err.message}`);
    throw err;
  }
  const fits =
    tokenizer.toJSON().type === 'char'
      ? tokenizer.vocabSize === config.vocabSize
      : tokenizer.vocabSize <= config.vocabSize;
  if (!fits)
    throw new CheckpointError(
      `${where}: the tokenizer has ${tokenizer.vocabSize} tokens but the model ${config.vocabSize}`,
    );
  return tokenizer;
}

/** A training config for a model that came without one (an exchange directory): its shape, the playground's other defaults. */
function exchangeTrainConfig(config: GptConfig): TrainConfig {
  if (config.vocabSize <= 0) throw new CheckpointError('the exchange directory has an empty vocabulary');
  const { nLayer, nHead, nEmbd, blockSize, dropout, bias } = config;
  return { ...BASE_CONFIG, nLayer, nHead, nEmbd, blockSize, dropout, bias };
}
