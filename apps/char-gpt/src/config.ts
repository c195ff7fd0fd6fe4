// Every knob of a char-gpt pretraining run, with nanoGPT's names and its shakespeare_char defaults, their help and their validation.
import { inRange, isNonNegative, isNonNegativeInteger, isPositive, isPositiveInteger } from '@tinygpt/cli-kit';
import type { Validator } from '@tinygpt/cli-kit';

/**
 * The defaults of `pnpm pretrain`: nanoGPT's train.py defaults overridden by its
 * config/train_shakespeare_char.py, so a nanoGPT command line means the same thing here.
 * Flags spell them `--n-layer 4` or, as nanoGPT does, `--n_layer=4`.
 */
export const defaults = {
  // ---- data and I/O ----
  /** Corpus: a dataset name (`moby-dick`, `tinyshakespeare`) or a path to any UTF-8 text file. */
  data: 'moby-dick',
  /** Directory for checkpoints and `log.csv` (relative to where pnpm was started). */
  outDir: 'runs/char-gpt',
  /**
   * `scratch` starts a new model; `resume` continues the checkpoint in `outDir` exactly; a directory
   * path starts a new run from that model (its weights, shape and vocabulary, with a fresh optimizer):
   * an exchange directory (`pnpm export`, tools/nanogpt/export_from_nanogpt.py) or a checkpoint.
   */
  initFrom: 'scratch',
  /** Let a run from scratch (or from a model) replace the run already in `outDir`; without it that is refused. */
  overwrite: false,
  /** Largest corpus file read, in megabytes (a guard against /dev/zero and mistakes; raise it for big corpora). */
  maxDataMb: 256,
  /** Evaluate, print a sample and write a checkpoint every this many iterations. */
  evalInterval: 250,
  /** Batches averaged for each of the train and val losses at an evaluation. */
  evalIters: 200,
  /** Print a plain log line every this many iterations (when not on a terminal). */
  logInterval: 10,
  /** Characters of the sample printed at each evaluation (0 for none). */
  sampleChars: 200,
  /** One JSON object per line on stdout instead of a progress bar. */
  json: false,
  /** At the end, print the time spent in each kind of kernel (sgemm, softmax, adamw…) and outside them. */
  profile: false,
  // ---- model ----
  /**
   * How text becomes token ids: `char` (one id per character of the corpus) or `gpt2` (GPT-2's
   * byte-pair encoding, r50k_base: 50,257 tokens, the model's vocabulary padded to 50,304).
   */
  tokenizer: 'char',
  /** Transformer blocks. */
  nLayer: 6,
  /** Attention heads per block; must divide nEmbd. */
  nHead: 6,
  /** Width of the residual stream (C). */
  nEmbd: 384,
  /** Context length in characters (T). */
  blockSize: 256,
  /** Dropout probability after embeddings, attention and MLP (0 turns it off). */
  dropout: 0.2,
  /** Biases in Linear and LayerNorm layers (nanoGPT: False is a little better and faster). */
  bias: false,
  // ---- optimisation ----
  /** Sequences per micro-batch (B). */
  batchSize: 64,
  /** Micro-batches accumulated into one optimizer step (nanoGPT's gradient_accumulation_steps). */
  gradAccum: 1,
  /** Optimizer steps in the run. */
  maxIters: 5000,
  /** Peak learning rate, reached after warmup. */
  learningRate: 1e-3,
  /** Whether to warm up and cosine-decay the learning rate (false: constant learningRate). */
  decayLr: true,
  /** Iterations of linear warmup from 0 to learningRate. */
  warmupIters: 100,
  /** Iteration where the cosine decay reaches minLr (nanoGPT: about maxIters). */
  lrDecayIters: 5000,
  /** Learning rate at the end of the decay (nanoGPT: learningRate / 10). */
  minLr: 1e-4,
  /** AdamW's decoupled weight decay, applied to 2-D weights only (matmuls and embeddings). */
  weightDecay: 0.1,
  /** AdamW's first-moment decay. */
  beta1: 0.9,
  /** AdamW's second-moment decay (0.99 because the char model sees few tokens per step). */
  beta2: 0.99,
  /** Clip the global gradient norm to this value (0 turns clipping off). */
  gradClip: 1.0,
  /** Seed of the one random generator behind init, dropout, batches and samples. */
  seed: 1337,
  // ---- nanoGPT's device, compile (accepted so its command lines paste; they change nothing here) and checkpointing ----
  /** Only `cpu` exists here. */
  device: 'cpu',
  /** torch.compile; ignored. */
  compile: false,
  /** nanoGPT's autocast dtype, which its CPU runs ignore too: everything here computes in float32. */
  dtype: 'float32',
  /** nanoGPT's Weights & Biases logging: false only; the losses go to log.csv (and to stdout with --json). */
  wandbLog: false,
  /** nanoGPT's W&B project name; unused. */
  wandbProject: '',
  /** nanoGPT's W&B run name; unused. */
  wandbRunName: '',
  /**
   * nanoGPT's eval_only: evaluate the run's model once (evalIters batches of each split, as every
   * evaluation of a run) and exit, training and writing nothing.
   */
  evalOnly: false,
  /**
   * Write a checkpoint at every evaluation (nanoGPT train.py's default), so a stop or a resume
   * continues exactly where the run was; false, as nanoGPT's shakespeare-char config: only when the
   * val loss improves, so the directory always holds the best model (a stop keeps it, a resume
   * starts from it).
   */
  alwaysSaveCheckpoint: true,
};

/** A resolved pretraining configuration. */
export type TrainConfig = typeof defaults;

/** The knobs that fix a model's shape: nanoGPT's `model_args`, saved in every checkpoint. */
export interface GptConfig {
  /** Number of distinct token ids (characters of the corpus). */
  vocabSize: number;
  /** Context length (T). */
  blockSize: number;
  /** Transformer blocks. */
  nLayer: number;
  /** Attention heads per block. */
  nHead: number;
  /** Width of the residual stream (C). */
  nEmbd: number;
  /** Dropout probability. */
  dropout: number;
  /** Biases in Linear and LayerNorm layers. */
  bias: boolean;
  /**
   * The MLP's GELU: `none` is the exact erf form (nanoGPT's nn.GELU(), the default when absent),
   * `tanh` GPT-2's tanh approximation (OpenAI's weights were trained with it).
   */
  gelu?: 'none' | 'tanh';
}

/** Token embeddings of a GPT-2-vocabulary model are padded to a multiple of this, as nanoGPT's 50,304. */
export const VOCAB_PAD_MULTIPLE = 64;

/**
 * The model's vocabulary for a tokenizer of `tokenizerVocab` ids: GPT-2's 50,257 padded to the next
 * multiple of 64 (50,304: whole SIMD tiles for the lm head), a character vocabulary as it is. The
 * pad rows are never targets and never sampled (`generate` masks them).
 */
export function modelVocabSize(tokenizer: TrainConfig['tokenizer'], tokenizerVocab: number): number {
  return tokenizer === 'gpt2' ? Math.ceil(tokenizerVocab / VOCAB_PAD_MULTIPLE) * VOCAB_PAD_MULTIPLE : tokenizerVocab;
}

/** The most tokens one sample may ask for: 100 million, days of sampling on a CPU (a sample is kept, 4 bytes a token). */
export const MAX_SAMPLE_TOKENS = 100_000_000;

/** Allowed values of the string knobs that take one of a few words. */
export const choices = {
  device: ['cpu'],
  dtype: ['float32', 'bfloat16', 'float16'],
  tokenizer: ['char', 'gpt2'],
} as const;

/** nanoGPT's dataset names mapped to ours (`--dataset=shakespeare_char`). */
export const datasetAliases: Readonly<Record<string, string>> = {
  shakespeare_char: 'tinyshakespeare',
  shakespeare: 'tinyshakespeare',
};

/** Our name for a dataset given by nanoGPT's name; other values unchanged. */
export function datasetName(data: string): string {
  return datasetAliases[data] ?? data;
}

/** The GPT's model args taken from a training config and a vocabulary size (and the GELU, exact unless given). */
export function modelArgs(config: TrainConfig, vocabSize: number, gelu: GptConfig['gelu'] = 'none'): GptConfig {
  const { blockSize, nLayer, nHead, nEmbd, dropout, bias } = config;
  return { vocabSize, blockSize, nLayer, nHead, nEmbd, dropout, bias, gelu };
}

/** `--kebab-case` spelling of a camelCase knob, for messages. */
export function flagName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** One line of `--help` per knob. */
export const help: { readonly [K in keyof TrainConfig]: string } = {
  data: 'corpus: moby-dick (bundled), tinyshakespeare, or a path to a UTF-8 text file',
  tokenizer: "char (the corpus's characters) or gpt2 (GPT-2's BPE, vocabulary 50,257 padded to 50,304)",
  outDir: 'directory for checkpoints and log.csv',
  initFrom:
    'scratch (a new model), resume (the checkpoint in --out-dir, exactly), or a model directory to start from (an ' +
    'exchange directory or a checkpoint)',
  overwrite: 'let a new run replace the run already in --out-dir (otherwise refused)',
  maxDataMb: 'largest corpus file read, in megabytes',
  evalInterval: 'evaluate, print a sample and checkpoint every N iterations',
  evalIters: 'batches averaged per split at each evaluation',
  logInterval: 'plain log line every N iterations (when stdout is not a terminal)',
  sampleChars: 'characters sampled at each evaluation (0: none)',
  json: 'one JSON object per line on stdout instead of a progress bar',
  profile: 'at the end, print the time per kernel kind (to stderr with --json)',
  nLayer: 'transformer blocks',
  nHead: 'attention heads per block (must divide --n-embd)',
  nEmbd: 'embedding width',
  blockSize: 'context length in tokens (characters with --tokenizer char)',
  dropout: 'dropout probability',
  bias: 'biases in Linear and LayerNorm layers',
  batchSize: 'sequences per micro-batch',
  gradAccum: 'micro-batches per optimizer step (nanoGPT: gradient_accumulation_steps)',
  maxIters: 'optimizer steps',
  learningRate: 'peak learning rate',
  decayLr: 'warm up, then cosine-decay the learning rate to --min-lr',
  warmupIters: 'iterations of linear warmup',
  lrDecayIters: 'iteration where the decay reaches --min-lr',
  minLr: 'final learning rate',
  weightDecay: 'AdamW weight decay on 2-D weights',
  beta1: 'AdamW beta1',
  beta2: 'AdamW beta2',
  gradClip: 'clip the global gradient norm to this (0: off)',
  seed: 'seed of the one random generator (init, dropout, batches, samples)',
  device: 'accepted for nanoGPT command lines',
  compile: 'accepted for nanoGPT command lines; ignored',
  dtype: "accepted for nanoGPT command lines; ignored, as on nanoGPT's CPU runs: everything computes in float32",
  wandbLog: 'accepted for nanoGPT command lines (false only): the losses go to log.csv, and to stdout with --json',
  wandbProject: 'accepted for nanoGPT command lines; unused',
  wandbRunName: 'accepted for nanoGPT command lines; unused',
  evalOnly:
    "evaluate the model once (a new one, --init-from's, or the checkpoint's with resume) and exit, writing nothing",
  alwaysSaveCheckpoint: 'checkpoint at every evaluation (false: only when the val loss improves, keeping the best)',
};

const divisibleByHeads: Validator<number, TrainConfig> = (value, config) =>
  Number.isInteger(value) && value > 0 && value % config.nHead === 0
    ? undefined
    : `a multiple of --n-head (${config.nHead})`;

/** The checks a config must pass before any work starts; each returns what was expected, or undefined. */
export const validate: { readonly [K in keyof TrainConfig]?: Validator<TrainConfig[K], TrainConfig> } = {
  data: (value) => (value.trim() ? undefined : 'a dataset name (moby-dick, tinyshakespeare) or a text file path'),
  outDir: (value) => (value.trim() ? undefined : 'a directory path'),
  initFrom: (value) => (value.trim() ? undefined : 'scratch, resume, or a model directory'),
  maxDataMb: isPositive,
  evalInterval: isPositiveInteger,
  evalIters: isPositiveInteger,
  logInterval: isPositiveInteger,
  sampleChars: (value) =>
    isNonNegativeInteger(value) ??
    (value > MAX_SAMPLE_TOKENS ? `an integer from 0 to ${MAX_SAMPLE_TOKENS}` : undefined),
  nLayer: isPositiveInteger,
  nHead: isPositiveInteger,
  nEmbd: divisibleByHeads,
  blockSize: isPositiveInteger,
  dropout: inRange(0, 1, { maxExclusive: true }),
  batchSize: isPositiveInteger,
  gradAccum: isPositiveInteger,
  maxIters: isNonNegativeInteger,
  learningRate: isPositive,
  warmupIters: isNonNegativeInteger,
  lrDecayIters: (value, config) =>
    isNonNegativeInteger(value) ??
    (config.decayLr && value <= config.warmupIters
      ? `a number above --warmup-iters (${config.warmupIters})`
      : undefined),
  minLr: (value, config) =>
    isNonNegative(value) ??
    (config.decayLr && value > config.learningRate
      ? `a number no higher than --learning-rate (${config.learningRate}), or --no-decay-lr for a constant rate`
      : undefined),
  weightDecay: isNonNegative,
  beta1: inRange(0, 1, { maxExclusive: true }),
  beta2: inRange(0, 1, { maxExclusive: true }),
  gradClip: isNonNegative,
  wandbLog: (value) =>
    value
      ? "false (tinygpt does not log to Weights & Biases: every loss is in --out-dir's log.csv, and on stdout " +
        'with --json)'
      : undefined,
  seed: (value) =>
    Number.isSafeInteger(value)
      ? undefined
      : `an integer from -${Number.MAX_SAFE_INTEGER} to ${Number.MAX_SAFE_INTEGER}`,
};

/**
 * Throws an Error naming the first knob of `config` that fails its check, for configs built in
 * code rather than by `resolveConfig` (which runs the same checks).
 */
export function checkConfig(config: TrainConfig): void {
  for (const [key, check] of Object.entries(validate) as [keyof TrainConfig, Validator<never, TrainConfig>][]) {
    const expected = check(config[key] as never, config);
    if (expected !== undefined)
      throw new Error(`${flagName(key)} expects ${expected}, got ${JSON.stringify(config[key])}`);
  }
}
