// Saves and loads a trained digit network: model.safetensors (weights by module name) + checkpoint.json (config, history, RNG state).
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '@tinygpt/autograd';
import type { RngState } from '@tinygpt/autograd';
import { decodeSafetensors, encodeSafetensors, findNonFinite } from '@tinygpt/autograd/safetensors';
import {
  CliError,
  describeFsError,
  foreignFilesRefusal,
  readDirConsistent,
  readJsonFile,
  recoverDirSwap,
  replaceDirAtomic,
  sha256Hex,
} from '@tinygpt/cli-kit';
import type { Mlp } from '@tinygpt/mlp';
import { defaults, parseArch, validateConfig } from './config.js';
import type { MnistConfig } from './config.js';
import { createModel } from './model.js';
import type { EpochMetrics } from './train.js';

/** The weights inside a checkpoint directory, by module name (`layers.0.weight`, …). */
export const WEIGHTS_FILE = 'model.safetensors';
/** The config, history and RNG state inside a checkpoint directory, written after the weights. */
export const META_FILE = 'checkpoint.json';
const FORMAT = 'tinygpt-mnist-mlp/1';

/** What a checkpoint holds besides the weights. */
export interface CheckpointState {
  /** The resolved config of the run: sampling, evaluating and drawing need no flags. */
  config: MnistConfig;
  /** Epochs completed. */
  epoch: number;
  /** One entry per completed epoch. */
  history: EpochMetrics[];
  /** The RNG after the last completed epoch. */
  rng: RngState;
  /** The kernels it was trained on, e.g. `wasm (2 threads)`: a seed fixes every bit only on the same kernels. */
  backend?: string;
}

/** The JSON file: {@link CheckpointState} plus the format tag and the weights' SHA-256, written last. */
interface CheckpointJson extends CheckpointState {
  format: string;
  weightsSha256: string;
}

/** A missing, corrupt or mismatched checkpoint; the message is one line that names the file. */
export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

/**
 * Writes `model.safetensors` and `checkpoint.json` into `dir` (created if needed) as one directory
 * swap (cli-kit's `replaceDirAtomic`): an interruption at any moment (Ctrl-C, SIGKILL, power loss,
 * a full disk) leaves the previous checkpoint or this one complete, never new weights beside old
 * metadata. Pictures beside the checkpoint (`visualize`'s) are carried over. The JSON also carries
 * the weights' SHA-256, so files mixed by hand are detected on load. The caller holds the
 * directory's lock (`lockDir`) and has run {@link recoverCheckpointDir}.
 * @throws CliError when the directory cannot take it; the previous checkpoint then stays
 */
export async function saveCheckpoint(dir: string, state: CheckpointState & { model: Mlp }): Promise<void> {
  const { model, ...rest } = state;
  const tensors = Object.fromEntries(
    Object.entries(model.stateDict()).map(([name, t]) => [name, { shape: t.shape, data: t.data }]),
  );
  const bad = findNonFinite(tensors);
  if (bad) {
    throw new CheckpointError(
      `not saving to ${dir}: weight "${bad.name}" is ${bad.value}; the last checkpoint there was kept`,
    );
  }
  const weights = encodeSafetensors(tensors, { format: FORMAT, arch: rest.config.arch, epoch: String(rest.epoch) });
  const json: CheckpointJson = { format: FORMAT, ...rest, weightsSha256: sha256Hex(weights) };
  const pictures = picturesIn(dir);
  const files = { [WEIGHTS_FILE]: weights, [META_FILE]: `${JSON.stringify(json, null, 2)}\n` };
  replaceDirAtomic(dir, files, { carry: pictures, owned: [...CHECKPOINT_FILES, ...pictures] });
}

/** The two files of a checkpoint, which its writer may replace and remove. */
const CHECKPOINT_FILES = [WEIGHTS_FILE, META_FILE];

/** Names of the pictures in `dir` (none when it does not exist). */
function picturesIn(dir: string): string[] {
  try {
    return readdirSync(dir).filter(isPicture);
  } catch {
    return [];
  }
}

/**
 * Brings checkpoint directory `dir` to its last complete state after a save was interrupted (see
 * cli-kit's `recoverDirSwap`). Only the writer calls it, holding the directory's lock, before
 * anything else looks into `dir`.
 */
export function recoverCheckpointDir(dir: string): void {
  const pictures = [dir, `${dir}.next`, `${dir}.prev`].flatMap(picturesIn);
  recoverDirSwap(dir, [...CHECKPOINT_FILES, ...new Set(pictures)]);
}

/** A picture `pnpm mnist visualize` may have written beside a checkpoint (`--out runs/m/weights.png`). */
const isPicture = (name: string): boolean => /\.(png|svg)$/i.test(name);

/**
 * Refuses an `--out-dir` before training unless it is new, empty, or holds an earlier MNIST
 * checkpoint and `overwrite` is set (then that checkpoint is replaced, epoch by epoch, and pictures
 * beside it, such as `visualize`'s, stay as they are). Anything else stays untouched: a char-gpt run
 * or a downloaded GPT-2 holds a `model.safetensors` and a `checkpoint.json` of its own, and an
 * earlier network is not thrown away by re-running a command.
 */
export function checkOutDir(dir: string, overwrite: boolean): void {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return; // made, or refused in words, by makeDir
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    throw new CliError(`cannot use --out-dir ${dir}: ${describeFsError(err)}`, { cause: err });
  }
  const refuse = (what: string): never => {
    throw new CliError(`--out-dir ${dir} ${what}; choose a new or empty directory`, { exitCode: 2 });
  };
  const foreign = names.filter((name) => name !== WEIGHTS_FILE && name !== META_FILE).sort();
  // Pictures count as the run's only beside an MNIST checkpoint (checked below); elsewhere they are foreign.
  if (foreign.some((name) => !isPicture(name)) || (foreign.length > 0 && !names.includes(META_FILE))) {
    throw new CliError(`--out-dir ${dir} ${foreignFilesRefusal(foreign, 'an MNIST checkpoint')}`, { exitCode: 2 });
  }
  if (!names.includes(META_FILE)) {
    if (names.includes(WEIGHTS_FILE)) refuse(`holds a ${WEIGHTS_FILE} without the ${META_FILE} of an MNIST checkpoint`);
    return;
  }
  const meta = ((): SavedMeta | null => {
    try {
      return JSON.parse(readFileSync(join(dir, META_FILE), 'utf8')) as SavedMeta | null;
    } catch {
      return refuse(`holds a ${META_FILE} that is not an MNIST checkpoint's (not readable JSON)`);
    }
  })();
  const format = meta?.format;
  if (format !== FORMAT) refuse(`holds another program's ${META_FILE} (format ${JSON.stringify(format ?? null)})`);
  if (!overwrite) {
    throw new CliError(
      `--out-dir ${dir} already holds a trained network (${describeSaved(meta)}); choose another --out-dir, ` +
        'or pass --overwrite to replace it',
      { exitCode: 2 },
    );
  }
}

/** What {@link checkOutDir} reads of a `checkpoint.json` it finds, unchecked. */
interface SavedMeta {
  format?: unknown;
  config?: { arch?: unknown };
  epoch?: unknown;
}

/** `784-16-16-10, 30 epochs` from a checkpoint's JSON, as far as it says. */
function describeSaved(meta: SavedMeta | null): string {
  const arch = typeof meta?.config?.arch === 'string' ? meta.config.arch : 'unknown layers';
  const epoch = typeof meta?.epoch === 'number' ? meta.epoch : NaN;
  return Number.isInteger(epoch) ? `${arch}, ${epoch} epoch${epoch === 1 ? '' : 's'}` : arch;
}

/**
 * Reads a checkpoint written by {@link saveCheckpoint} and rebuilds its network.
 * Throws {@link CheckpointError} when a file is missing, corrupt, or the two do not belong together.
 */
export function loadCheckpoint(dir: string): CheckpointState & { model: Mlp } {
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new CheckpointError(`no checkpoint in ${dir}: it is a file, not a directory`);
  }
  // While a run saves (or after one was killed mid-save), the last complete checkpoint, read whole.
  return readDirConsistent(dir, (at) => loadCheckpointAt(dir, at), missingCheckpoint);
}

function missingCheckpoint(dir: string): CheckpointError {
  return new CheckpointError(
    `no checkpoint in ${dir}: ${META_FILE} is missing (train one with: pnpm mnist train --out-dir ${dir})`,
  );
}

/** {@link loadCheckpoint} from the directory `at` that holds the last complete contents of `dir`. */
function loadCheckpointAt(dir: string, at: string): CheckpointState & { model: Mlp } {
  const metaPath = join(at, META_FILE);
  const weightsPath = join(at, WEIGHTS_FILE);
  if (!existsSync(metaPath)) throw missingCheckpoint(dir);
  const json = checkJson(readJsonFile(metaPath, 'checkpoint'), metaPath);
  if (!existsSync(weightsPath))
    throw new CheckpointError(`checkpoint ${dir} is incomplete: ${WEIGHTS_FILE} is missing`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(weightsPath);
  } catch (err) {
    throw new CheckpointError(`cannot read ${weightsPath}: ${describeFsError(err)}`, { cause: err });
  }
  if (sha256Hex(bytes) !== json.weightsSha256) {
    throw new CheckpointError(
      `${weightsPath} does not match ${META_FILE} (checksum differs): the files come from different saves or were altered`,
    );
  }
  let tensors;
  try {
    tensors = decodeSafetensors(bytes).tensors;
  } catch (err) {
    throw new CheckpointError(`${weightsPath} is not a valid safetensors file: ${(err as Error).message}`);
  }
  const bad = findNonFinite(tensors);
  if (bad) throw new CheckpointError(`${weightsPath} holds ${bad.value} in "${bad.name}"; refusing non-finite weights`);
  const model = createModel(parseArch(json.config.arch), json.config, new Rng(json.config.seed));
  try {
    model.loadStateDict(tensors);
  } catch (err) {
    throw new CheckpointError(`${weightsPath} does not fit the ${json.config.arch} network: ${(err as Error).message}`);
  }
  const { config, epoch, history, rng, backend } = json;
  return { model, config, epoch, history, rng, ...(backend === undefined ? {} : { backend }) };
}

/** Checks the parsed checkpoint.json field by field, with one readable error for the first problem. */
function checkJson(value: unknown, path: string): CheckpointJson {
  const bad = (what: string): never => {
    throw new CheckpointError(`${path} is not a tinygpt MNIST checkpoint: ${what}`);
  };
  if (typeof value !== 'object' || value === null) return bad('not a JSON object');
  const json = value as Partial<CheckpointJson>;
  if (json.format !== FORMAT) bad(`format is ${JSON.stringify(json.format)}, expected "${FORMAT}"`);
  if (typeof json.config !== 'object' || json.config === null) bad('config is missing');
  const config = { ...defaults, ...json.config };
  try {
    validateConfig(config);
  } catch (err) {
    bad(`its config is invalid: ${(err as Error).message}`);
  }
  if (!Number.isInteger(json.epoch) || json.epoch! < 0) bad('epoch is missing');
  if (!Array.isArray(json.history)) bad('history is missing');
  if (typeof json.weightsSha256 !== 'string') bad('weightsSha256 is missing');
  if (!isRngState(json.rng)) bad('rng state is missing or damaged');
  if (json.backend !== undefined && typeof json.backend !== 'string') bad('backend is not a string');
  return { ...(json as CheckpointJson), config };
}

/** An Alea generator's state: `c` a non-negative integer, `s0..s2` fractions in [0, 1), `spare` a number or null. */
function isRngState(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const { alea, spare } = value as { alea?: Record<string, unknown>; spare?: unknown };
  if (typeof alea !== 'object' || alea === null) return false;
  const unit = (x: unknown): boolean => typeof x === 'number' && x >= 0 && x < 1;
  const c = alea.c;
  return (
    typeof c === 'number' &&
    Number.isInteger(c) &&
    c >= 0 &&
    unit(alea.s0) &&
    unit(alea.s1) &&
    unit(alea.s2) &&
    (spare === undefined || spare === null || (typeof spare === 'number' && Number.isFinite(spare)))
  );
}
