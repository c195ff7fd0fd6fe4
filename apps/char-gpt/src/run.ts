// A pretraining run's state — model, optimizer, generator, data, counters — started from scratch, resumed from a checkpoint, or saved.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import {
  CliError,
  USAGE_EXIT_CODE,
  describeFsError,
  foreignFilesRefusal,
  makeDir,
  notSavedError,
} from '@tinygpt/cli-kit';
import { join, resolve } from 'node:path';
import { CORPUS_NAMES, resolveCorpus } from '@tinygpt/datasets/text';
import type { Corpus } from '@tinygpt/datasets/text';
import { BpeTokenizer, CharTokenizer, TokenizerError, tokenizerFromJSON } from '@tinygpt/tokenizer';
import type { Tokenizer } from '@tinygpt/tokenizer';
import { flagName, modelArgs, modelVocabSize } from './config.js';
import type { TrainConfig } from './config.js';
import { splitIds } from './data.js';
import { encodeCorpus } from './encode-corpus.js';
import type { Splits } from './data.js';
import { readCheckpoint, readCheckpointMeta, writeCheckpoint } from './checkpoint/checkpoint-files.js';
import { runCheckpoint } from './checkpoint/encode.js';
import { CHECKPOINT_FORMAT, CheckpointError, RUN_FILES } from './checkpoint/format.js';
import { loadModelTensors, modelTensors } from './checkpoint/model-state.js';
import { loadOptimizerTensors } from './checkpoint/optimizer-state.js';
import { loadModelDir } from './interop/model-dir.js';
import { Gpt } from './model/gpt.js';
import { checkMemory } from './memory.js';
import { configureOptimizer } from './optimizer.js';
import type { ConfiguredOptimizer } from './optimizer.js';
import { RunRng } from './run-rng.js';

/** Everything a training loop reads and advances; a checkpoint is exactly this. */
export interface Run {
  config: TrainConfig;
  model: Gpt;
  opt: ConfiguredOptimizer;
  rng: RunRng;
  /** Characters, or GPT-2's BPE (whose model vocabulary is padded beyond its 50,257 ids). */
  tokenizer: Tokenizer;
  splits: Splits;
  /** The corpus: its characters (Unicode code points) and, encoded, its tokens. */
  corpus: { name: string; source: string; characters: number; tokens: number };
  /** Milliseconds spent encoding the corpus. */
  encodeMs: number;
  /** Optimizer steps taken so far. */
  iter: number;
  /** Whether the evaluation due at `iter` has already run. */
  evaluated: boolean;
  bestValLoss: number | null;
  /** A resumed run's checkpoint's corpus, which may not be this run's. */
  checkpointCorpus?: { name: string; characters: number };
}

/**
 * Loads `--data`: a corpus name (moby-dick, tinyshakespeare) or an absolute path to a regular
 * text file of at most `maxDataMb` megabytes (`--max-data-mb`, 256 by default).
 */
export function loadCorpus(data: string, maxDataMb = 256): Promise<Corpus> {
  return resolveCorpus(data, {
    maxBytes: Math.floor(maxDataMb * 1024 * 1024),
    raiseHint: 'pass --max-data-mb to raise it',
  });
}

/** Whether `data` names a bundled or downloadable corpus rather than a file. */
export function isCorpusName(data: string): boolean {
  return (CORPUS_NAMES as readonly string[]).includes(data);
}

/**
 * A run from scratch (`initFrom: 'scratch'`): character vocabulary of the corpus, a fresh model
 * seeded by `config.seed`; or the checkpoint in `config.outDir` continued (`'resume'`), with
 * the checkpoint's tokenizer, weights, optimizer moments, counters and generator state; or (a
 * directory path) a new run from the model in that directory, see {@link startFromModel}.
 */
export async function openRun(
  config: TrainConfig,
  corpus?: Corpus,
  onEncode?: (done: number, total: number) => void,
): Promise<Run> {
  const text = corpus ?? (await loadCorpus(config.data, config.maxDataMb));
  const about = { name: text.name, source: text.source, characters: countCharacters(text.text) };
  const rng = new RunRng(config.seed);
  if (config.initFrom !== 'scratch' && config.initFrom !== 'resume') return startFromModel(config, text, rng, onEncode);
  if (config.initFrom !== 'resume') {
    const tokenizer = config.tokenizer === 'gpt2' ? await BpeTokenizer.load() : CharTokenizer.fromText(text.text);
    const vocabSize = modelVocabSize(config.tokenizer, tokenizer.vocabSize);
    checkMemory(modelArgs(config, vocabSize), { ...config, training: true }, 'this model');
    if (!config.evalOnly) checkOutDir(config); // --eval-only writes nothing there
    const t0 = performance.now();
    const ids = await encodeCorpus(tokenizer, text.text, onEncode);
    const encodeMs = performance.now() - t0;
    const model = new Gpt(modelArgs(config, vocabSize), { rng });
    const splits = splitIds(ids, config.blockSize);
    return {
      config,
      model,
      opt: configureOptimizer(model, config),
      rng,
      tokenizer,
      splits,
      corpus: { ...about, tokens: ids.length },
      encodeMs,
      iter: 0,
      evaluated: false,
      bestValLoss: null,
    };
  }
  const { meta, model: weights, optimizer: moments } = readCheckpoint(config.outDir);
  const where = `checkpoint ${config.outDir}`;
  const tokenizer = await tokenizerFromJSON(meta.tokenizer);
  const t0 = performance.now();
  let ids: Int32Array;
  try {
    ids = await encodeCorpus(tokenizer, text.text, onEncode);
  } catch (err) {
    if (err instanceof TokenizerError)
      throw new Error(`${text.name} does not fit the checkpoint's vocabulary: ${err.message}`);
    throw err;
  }
  const encodeMs = performance.now() - t0;
  const args = modelArgs(config, meta.modelArgs.vocabSize, meta.modelArgs.gelu);
  const change = shapeChange(config, meta.modelArgs);
  if (change !== undefined) throw new CheckpointError(change);
  checkMemory(args, { ...config, training: true }, 'this run');
  const model = new Gpt(args, { rng });
  loadModelTensors(model, weights, `${where}/model.safetensors`);
  const opt = configureOptimizer(model, config);
  loadOptimizerTensors(opt, moments, meta.optimizer, `${where}/optimizer.safetensors`);
  rng.restore(meta.rng);
  const splits = splitIds(ids, config.blockSize);
  return {
    config,
    model,
    opt,
    rng,
    tokenizer,
    splits,
    corpus: { ...about, tokens: ids.length },
    encodeMs,
    iter: meta.iter,
    evaluated: meta.evaluated,
    bestValLoss: meta.bestValLoss,
    checkpointCorpus: { name: meta.corpus.name, characters: meta.corpus.characters },
  };
}

/**
 * A new run from the model in directory `config.initFrom` (an exchange directory of `pnpm export`
 * or export_from_nanogpt.py, or a checkpoint): its weights, shape and vocabulary, this run's
 * dropout, a fresh optimizer, iteration 0 — nanoGPT's fine-tuning from a checkpoint. A
 * `blockSize` below the model's crops its position embedding, as nanoGPT's `crop_block_size`.
 */
async function startFromModel(
  config: TrainConfig,
  text: Corpus,
  rng: RunRng,
  onEncode?: (done: number, total: number) => void,
): Promise<Run> {
  if (resolve(config.initFrom) === resolve(config.outDir) && !config.evalOnly) {
    throw new CheckpointError(
      `--out-dir ${config.outDir} is the --init-from directory; a run started from a model writes elsewhere`,
    );
  }
  const { model: source, tokenizer } = await loadModelDir(config.initFrom);
  const t0 = performance.now();
  let ids: Int32Array;
  try {
    ids = await encodeCorpus(tokenizer, text.text, onEncode);
  } catch (err) {
    if (err instanceof TokenizerError)
      throw new Error(`${text.name} does not fit the vocabulary of ${config.initFrom}: ${err.message}`);
    throw err;
  }
  const encodeMs = performance.now() - t0;
  const args = modelArgs(config, source.config.vocabSize, source.config.gelu);
  for (const key of ['blockSize', 'nLayer', 'nHead', 'nEmbd', 'bias'] as const) {
    if (key === 'blockSize' && args.blockSize < source.config.blockSize) continue; // cropped below
    if (args[key] !== source.config[key]) {
      throw new CheckpointError(
        `${flagName(key)} ${args[key]} differs from the ${source.config[key]} of the model in ${config.initFrom}`,
      );
    }
  }
  checkMemory(args, { ...config, training: true }, 'this run');
  if (!config.evalOnly) checkOutDir(config);
  const model = new Gpt(args, { rng });
  const weights = modelTensors(source);
  // nanoGPT's crop_block_size: a shorter context keeps the first blockSize rows of the position embedding.
  const wpe = weights['transformer.wpe.weight']!;
  const C = wpe.shape[1]!;
  weights['transformer.wpe.weight'] = { shape: [args.blockSize, C], data: wpe.data.slice(0, args.blockSize * C) };
  loadModelTensors(model, weights, config.initFrom);
  const splits = splitIds(ids, config.blockSize);
  const corpus = { name: text.name, source: text.source, characters: countCharacters(text.text), tokens: ids.length };
  return {
    config,
    model,
    opt: configureOptimizer(model, config),
    rng,
    tokenizer,
    splits,
    corpus,
    encodeMs,
    iter: 0,
    evaluated: false,
    bestValLoss: null,
  };
}

/**
 * Writes the run's checkpoint into `config.outDir`, atomically (see writeCheckpoint).
 * @param kept the iteration of the checkpoint the directory holds from this run, if any
 * @throws CliError when the directory cannot take it (a full disk, say), saying what it still holds
 */
export function saveRun(run: Run, kept: number | null): void {
  try {
    writeCheckpoint(run.config.outDir, runCheckpoint(run));
  } catch (err) {
    throw notSavedError(err, `iteration ${run.iter}`, kept === null ? null : `iteration ${kept}`);
  }
}

/**
 * Refuses an out dir holding files a run did not write (checkpoints replace the directory) or
 * another program's checkpoint (an MNIST network has the same two file names), and one holding a
 * run unless `--overwrite` was given: a run from scratch must not replace a trained
 * one by accident. Nothing in the directory is touched before these checks.
 */
function checkOutDir(config: TrainConfig): void {
  const dir = config.outDir;
  if (!existsSync(dir)) {
    makeDir(dir, '--out-dir');
    return;
  }
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    throw new CliError(`cannot use --out-dir ${dir}: ${describeFsError(err)}`, { cause: err });
  }
  const foreign = names.filter((name) => !(RUN_FILES as readonly string[]).includes(name));
  // Each refusal is a usage error (exit 2): --out-dir names a directory this run must not write into.
  if (foreign.length > 0) {
    throw new CliError(`--out-dir ${dir} ${foreignFilesRefusal(foreign, 'a char-gpt run')}`, {
      exitCode: USAGE_EXIT_CODE,
    });
  }
  const format = savedFormat(dir, names);
  if (format !== undefined && format !== CHECKPOINT_FORMAT) {
    throw new CliError(
      `--out-dir ${dir} holds another program's checkpoint.json (format ${JSON.stringify(format)}); ` +
        'choose a new or empty directory',
      { exitCode: USAGE_EXIT_CODE },
    );
  }
  if (names.length > 0 && !config.overwrite) {
    let what = 'a run';
    try {
      what = `a run (checkpoint at iteration ${readCheckpointMeta(dir).iter})`;
    } catch {
      // a damaged or partial run is still a run
    }
    throw new CliError(
      `--out-dir ${dir} already holds ${what}; continue it with --init-from resume, choose another --out-dir, or ` +
        `pass --overwrite to start over in it`,
      { exitCode: USAGE_EXIT_CODE },
    );
  }
}

/**
 * The `format` a `checkpoint.json` among `names` declares (null when it declares none), or
 * undefined when there is none or it is not readable JSON (a damaged run is still a run).
 */
function savedFormat(dir: string, names: readonly string[]): unknown {
  if (!names.includes('checkpoint.json')) return undefined;
  try {
    const meta = JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8')) as { format?: unknown } | null;
    return meta?.format ?? null;
  } catch {
    return undefined;
  }
}

/** The settings that make a model's shape: a resumed run keeps them. */
export const SHAPE_KEYS = ['blockSize', 'nLayer', 'nHead', 'nEmbd', 'bias'] as const;

/**
 * The message for the first of `keys` (default: all of SHAPE_KEYS) where `config` differs from the
 * checkpoint's model args `saved`, or undefined when none does.
 */
export function shapeChange(
  config: Pick<TrainConfig, (typeof SHAPE_KEYS)[number]>,
  saved: Pick<TrainConfig, (typeof SHAPE_KEYS)[number]>,
  keys: readonly (typeof SHAPE_KEYS)[number][] = SHAPE_KEYS,
): string | undefined {
  const key = keys.find((k) => config[k] !== saved[k]);
  if (key === undefined) return undefined;
  return `${flagName(key)} ${config[key]} differs from the checkpoint's ${saved[key]}; a resumed run keeps the model's shape`;
}

/** Unicode code points of `text` (what a character tokenizer gives one id each). */
export function countCharacters(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++, n++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
  }
  return n;
}
