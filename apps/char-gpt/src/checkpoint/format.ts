// The layout of a char-gpt checkpoint directory and the checks that refuse a damaged or foreign one with one clear message.
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';
import type { RngState } from '@tinygpt/autograd';
import type { GptConfig, TrainConfig } from '../config.js';

/** The checkpoint format written here; a loader refuses other versions. */
export const CHECKPOINT_FORMAT = 'tinygpt-char-gpt';
export const CHECKPOINT_VERSION = 1;

/** The files a char-gpt run keeps in its out dir; nothing else is ever written or deleted there. */
export const RUN_FILES = ['checkpoint.json', 'model.safetensors', 'optimizer.safetensors', 'log.csv'] as const;

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

/**
 * checkpoint.json's text: `meta` followed by `"sha256"`, the SHA-256 of the JSON of everything
 * before it (as {@link metaChecksum} computes), so a changed byte of checkpoint.json is caught as
 * a changed byte of a weight file is.
 */
export function serializeMeta(meta: CheckpointMeta): string {
  return `${JSON.stringify({ ...meta, sha256: metaChecksum(meta) }, null, 1)}\n`;
}

/** SHA-256 of `bytes` as lowercase hex, as checkpoint.json lists each weight file's. */
export function sha256Hex(bytes: Uint8Array): string {
  return bytesToHex(sha256(bytes));
}

/** SHA-256 of the JSON of checkpoint metadata without its own `sha256` field. */
export function metaChecksum(meta: object): string {
  const { sha256: _, ...rest } = meta as Record<string, unknown>;
  return sha256Hex(utf8ToBytes(JSON.stringify(rest, null, 1)));
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
  // Checkpoints written before checksums existed have none and are still read; any other value must match.
  if (value.sha256 !== undefined && value.sha256 !== metaChecksum(value)) {
    throw new CheckpointError(`${where} is damaged: its contents do not match its "sha256" checksum`);
  }
  const args = value.modelArgs;
  const rng = value.rng;
  const files = value.files;
  const opt = value.optimizer;
  const corpus = value.corpus;
  const checks: Check[] = [
    [isCount(value.iter), '"iter" must be a non-negative integer'],
    [typeof value.evaluated === 'boolean', '"evaluated" must be true or false'],
    [value.bestValLoss === null || isFiniteNumber(value.bestValLoss), '"bestValLoss" must be a finite number or null'],
    [isObject(value.config), '"config" must be an object'],
    [isObject(args), '"modelArgs" must be an object'],
    [isObject(value.tokenizer), '"tokenizer" must be an object'],
    [isRngState(rng), '"rng" must hold the generator state (alea c, s0, s1, s2 and spare)'],
    [isObject(opt) && isCount(opt.step), '"optimizer.step" must be a non-negative integer'],
    [isObject(opt) && isFiniteNumber(opt.lr) && opt.lr >= 0, '"optimizer.lr" must be a non-negative number'],
    [
      isObject(corpus) &&
        typeof corpus.source === 'string' &&
        typeof corpus.name === 'string' &&
        isCount(corpus.characters),
      '"corpus" must describe the training text (name, source, characters)',
    ],
    [isObject(files), '"files" must list the weight files'],
  ];
  if (isObject(args)) {
    for (const key of ['vocabSize', 'blockSize', 'nLayer', 'nHead', 'nEmbd'] as const) {
      checks.push([isCount(args[key]) && args[key] > 0, `"modelArgs.${key}" must be a positive integer`]);
    }
    checks.push([
      isFiniteNumber(args.dropout) && args.dropout >= 0 && args.dropout < 1,
      '"modelArgs.dropout" must be a number in [0, 1)',
    ]);
    checks.push([typeof args.bias === 'boolean', '"modelArgs.bias" must be true or false']);
    if (isCount(args.nEmbd) && isCount(args.nHead) && args.nHead > 0) {
      checks.push([args.nEmbd % args.nHead === 0, '"modelArgs.nEmbd" must be a multiple of "modelArgs.nHead"']);
    }
  }
  if (isObject(value.config) && isObject(args)) {
    for (const key of ['blockSize', 'nLayer', 'nHead', 'nEmbd', 'bias'] as const) {
      checks.push([value.config[key] === args[key], `"config.${key}" must equal "modelArgs.${key}"`]);
    }
  }
  if (isObject(opt) && isCount(opt.step) && isCount(value.iter)) {
    checks.push([opt.step <= value.iter, '"optimizer.step" cannot exceed "iter"']);
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

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** An Alea generator's state: `c` a small non-negative integer, `s0..s2` fractions in [0, 1), `spare` a number or null. */
function isRngState(value: unknown): value is RngState {
  if (!isObject(value) || !isObject(value.alea)) return false;
  const { c, s0, s1, s2 } = value.alea;
  const unit = (x: unknown): boolean => isFiniteNumber(x) && x >= 0 && x < 1;
  const spare = value.spare === undefined || value.spare === null || isFiniteNumber(value.spare);
  return isCount(c) && unit(s0) && unit(s1) && unit(s2) && spare;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
