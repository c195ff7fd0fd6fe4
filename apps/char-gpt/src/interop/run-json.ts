// run.json of a run handover directory: the counters, schedule, AdamW scalars and parameter groups of a run
// travelling between char-gpt and nanoGPT.
import type { TrainConfig } from '../config.js';
import { CheckpointError } from '../checkpoint/format.js';

/** The format tag of run.json; readers refuse other formats and versions. */
export const RUN_FORMAT = 'tinygpt-nanogpt-run';
export const RUN_VERSION = 1;

/**
 * nanoGPT train.py's knobs that carry over, by nanoGPT name, with our name. The model's shape
 * travels in config.json (`model_args`); `dataset` and `out_dir` are named separately.
 */
export const CONFIG_KEYS = {
  batch_size: 'batchSize',
  block_size: 'blockSize',
  gradient_accumulation_steps: 'gradAccum',
  n_layer: 'nLayer',
  n_head: 'nHead',
  n_embd: 'nEmbd',
  dropout: 'dropout',
  bias: 'bias',
  learning_rate: 'learningRate',
  max_iters: 'maxIters',
  weight_decay: 'weightDecay',
  beta1: 'beta1',
  beta2: 'beta2',
  grad_clip: 'gradClip',
  decay_lr: 'decayLr',
  warmup_iters: 'warmupIters',
  lr_decay_iters: 'lrDecayIters',
  min_lr: 'minLr',
  eval_interval: 'evalInterval',
  eval_iters: 'evalIters',
  log_interval: 'logInterval',
  always_save_checkpoint: 'alwaysSaveCheckpoint',
} as const satisfies Record<string, keyof TrainConfig>;

/** A nanoGPT config knob carried in run.json. */
export type NanoGptKey = keyof typeof CONFIG_KEYS;

/** One AdamW parameter group, as nanoGPT's configure_optimizers builds it: its weight decay and parameter names in order. */
export interface RunParamGroup {
  weight_decay: number;
  params: string[];
}

/**
 * run.json: nanoGPT's checkpoint scalars (`iter_num`, `best_val_loss`, `config`) and the AdamW
 * scalars and groups. The tensors are beside it: model.safetensors (weights), optimizer.safetensors
 * (`<name>.exp_avg`, `<name>.exp_avg_sq`), and config.json holds `model_args` and the vocabulary.
 */
export interface RunJson {
  format: typeof RUN_FORMAT;
  version: typeof RUN_VERSION;
  /** Which side wrote it: `tinygpt` (pnpm export --run) or `nanogpt` (from_nanogpt_run.py). */
  writer: 'tinygpt' | 'nanogpt';
  /** Optimizer steps taken: the iteration the run continues at. */
  iter_num: number;
  /** Lowest validation loss seen, null before any evaluation (nanoGPT's 1e9). */
  best_val_loss: number | null;
  /** The dataset directory name under nanoGPT's data/ (train.bin, val.bin, meta.pkl). */
  dataset: string;
  /** nanoGPT's train.py knobs (see {@link CONFIG_KEYS}). */
  config: Record<NanoGptKey, number | boolean>;
  /** AdamW: step count (PyTorch's per-parameter `step`, the same for every parameter), betas, eps, lr and the two groups. */
  optimizer: { step: number; lr: number; betas: [number, number]; eps: number; groups: RunParamGroup[] };
  /** The corpus the tokens came from, when known (ours: name, source, characters). */
  corpus?: { name: string; source: string; characters: number };
}

/** nanoGPT's train.py knobs of a char-gpt config. */
export function toNanoGptConfig(config: TrainConfig): Record<NanoGptKey, number | boolean> {
  const out = {} as Record<NanoGptKey, number | boolean>;
  for (const [theirs, ours] of Object.entries(CONFIG_KEYS) as [NanoGptKey, keyof TrainConfig][]) {
    out[theirs] = config[ours] as number | boolean;
  }
  return out;
}

/** The char-gpt knobs of nanoGPT's config, in our names (only those present). */
export function fromNanoGptConfig(config: Partial<Record<NanoGptKey, number | boolean>>): Partial<TrainConfig> {
  const out: Record<string, number | boolean> = {};
  for (const [theirs, ours] of Object.entries(CONFIG_KEYS) as [NanoGptKey, keyof TrainConfig][]) {
    const value = config[theirs];
    if (value !== undefined) out[ours] = value;
  }
  return out;
}

/**
 * `value` as run.json, checked field by field.
 * @throws CheckpointError naming `where` and the first field that is missing or of a bad kind.
 */
export function parseRunJson(value: unknown, where: string): RunJson {
  const fail = (what: string): never => {
    throw new CheckpointError(`${where}: ${what}`);
  };
  if (!isObject(value)) return fail('expected a JSON object');
  if (value.format !== RUN_FORMAT || value.version !== RUN_VERSION)
    fail(
      `not a run handover file (format "${String(value.format)}" version ${String(value.version)}; expected ` +
        `"${RUN_FORMAT}" ${RUN_VERSION})`,
    );
  if (value.writer !== 'tinygpt' && value.writer !== 'nanogpt') fail('"writer" must be "tinygpt" or "nanogpt"');
  if (!isCount(value.iter_num)) fail('"iter_num" must be a non-negative integer');
  if (value.best_val_loss !== null && typeof value.best_val_loss !== 'number')
    fail('"best_val_loss" must be a number or null');
  if (typeof value.dataset !== 'string' || !/^[\w.-]+$/.test(value.dataset))
    fail('"dataset" must be a directory name (letters, digits, _ . -)');
  const config = value.config;
  if (!isObject(config)) return fail('"config" must be an object of nanoGPT train.py knobs');
  for (const key of Object.keys(CONFIG_KEYS)) {
    const v = config[key];
    if (v !== undefined && typeof v !== 'number' && typeof v !== 'boolean')
      fail(`"config.${key}" must be a number or boolean`);
  }
  const opt = value.optimizer;
  if (!isObject(opt)) return fail('"optimizer" must be an object');
  if (!isCount(opt.step)) fail('"optimizer.step" must be a non-negative integer');
  if (typeof opt.lr !== 'number') fail('"optimizer.lr" must be a number');
  if (typeof opt.eps !== 'number') fail('"optimizer.eps" must be a number');
  const betas = opt.betas;
  if (!Array.isArray(betas) || betas.length !== 2 || !betas.every((b) => typeof b === 'number'))
    fail('"optimizer.betas" must be [beta1, beta2]');
  const groups = opt.groups;
  if (
    !Array.isArray(groups) ||
    groups.length !== 2 ||
    !groups.every(
      (g) =>
        isObject(g) &&
        typeof g.weight_decay === 'number' &&
        Array.isArray(g.params) &&
        g.params.every((p) => typeof p === 'string'),
    )
  )
    fail('"optimizer.groups" must be two groups of { weight_decay, params: [names] } (decayed, then not decayed)');
  return value as unknown as RunJson;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
