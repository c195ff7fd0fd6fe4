// The layout of a char-gpt checkpoint directory and the checks that refuse a damaged or foreign one with one clear message.
import type { RngState } from '@tinygpt/autograd';
import type { GptConfig, TrainConfig } from '../config.js';

/** The checkpoint format written here; a loader refuses other versions. */
export const CHECKPOINT_FORMAT = 'tinygpt-char-gpt';
export const CHECKPOINT_VERSION = 1;

/** Files of a checkpoint directory besides checkpoint.json, each listed there with its size and hash. */
export const WEIGHT_FILES = ['model.safetensors', 'optimizer.safetensors'] as const;

/** A checkpoint could not be used; the message names the directory and what is wrong. */
export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

/** Contents of checkpoint.json: everything but the tensors. */
export interface CheckpointMeta {
  format: typeof CHECKPOINT_FORMAT;
  version: typeof CHECKPOINT_VERSION;
  /** Optimizer steps taken. */
  iter: number;
  /** Whether the evaluation due at `iter` has run (a resumed run then does not repeat it). */
  evaluated: boolean;
  /** Lowest validation loss seen, or null before the first evaluation. */
  bestValLoss: number | null;
  /** The resolved training config. */
  config: TrainConfig;
  /** The model's shape (nanoGPT's model_args); sampling needs nothing else. */
  modelArgs: GptConfig;
  /** The tokenizer's JSON (`{ type: 'char', chars: [...] }`). */
  tokenizer: unknown;
  /** The random generator's exact state. */
  rng: RngState;
  /** The optimizer's scalar state (its moments are in optimizer.safetensors). */
  optimizer: { step: number; lr: number };
  /** The corpus trained on. */
  corpus: { name: string; source: string; characters: number };
  /** Size in bytes and SHA-256 of each weight file, so truncation and corruption are caught. */
  files: Record<(typeof WEIGHT_FILES)[number], { bytes: number; sha256: string }>;
}

type Check = [ok: boolean, what: string];

/**
 * `value` as checkpoint metadata, or a CheckpointError naming the first field that is missing or
 * of the wrong kind. `where` names the file in messages.
 */
export function parseCheckpointMeta(value: unknown, where: string): CheckpointMeta {
  const fail = (what: string): never => {
    throw new CheckpointError(`${where} is not a usable char-gpt checkpoint: ${what}`);
  };
  if (!isObject(value)) return fail('it is not a JSON object');
  if (value.format !== CHECKPOINT_FORMAT)
    return fail(`"format" is ${JSON.stringify(value.format)}, expected "${CHECKPOINT_FORMAT}"`);
  if (value.version !== CHECKPOINT_VERSION) {
    return fail(
      `format version ${JSON.stringify(value.version)} is not ${CHECKPOINT_VERSION}, the version this tinygpt reads`,
    );
  }
  const args = value.modelArgs;
  const rng = value.rng;
  const files = value.files;
  const checks: Check[] = [
    [isCount(value.iter), '"iter" must be a non-negative integer'],
    [typeof value.evaluated === 'boolean', '"evaluated" must be true or false'],
    [value.bestValLoss === null || typeof value.bestValLoss === 'number', '"bestValLoss" must be a number or null'],
    [isObject(value.config), '"config" must be an object'],
    [isObject(args), '"modelArgs" must be an object'],
    [isObject(value.tokenizer), '"tokenizer" must be an object'],
    [isObject(rng) && isObject(rng.alea), '"rng" must hold the generator state'],
    [isObject(value.optimizer) && isCount(value.optimizer.step), '"optimizer.step" must be a non-negative integer'],
    [isObject(value.corpus) && typeof value.corpus.source === 'string', '"corpus" must describe the training text'],
    [isObject(files), '"files" must list the weight files'],
  ];
  if (isObject(args)) {
    for (const key of ['vocabSize', 'blockSize', 'nLayer', 'nHead', 'nEmbd'] as const) {
      checks.push([isCount(args[key]) && (args[key] as number) > 0, `"modelArgs.${key}" must be a positive integer`]);
    }
    checks.push([typeof args.dropout === 'number', '"modelArgs.dropout" must be a number']);
    checks.push([typeof args.bias === 'boolean', '"modelArgs.bias" must be true or false']);
  }
  if (isObject(files)) {
    for (const name of WEIGHT_FILES) {
      const entry = files[name];
      checks.push([
        isObject(entry) && isCount(entry.bytes) && typeof entry.sha256 === 'string',
        `"files" must list ${name}`,
      ]);
    }
  }
  for (const [ok, what] of checks) if (!ok) fail(what);
  return value as unknown as CheckpointMeta;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
