// Writes a checkpoint directory atomically (one locked writer) and reads one back consistently, verifying every
// file's size and SHA-256 before trusting it.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SafetensorsError, decodeSafetensors, findNonFinite } from '@tinygpt/autograd/safetensors';
import {
  describeFsError,
  lockDir,
  readDirConsistent,
  recoverDirSwap,
  replaceDirAtomic,
  sha256Hex,
} from '@tinygpt/cli-kit';
import { CheckpointError, RUN_FILES, WEIGHT_FILES, parseCheckpointMeta } from './format.js';
import { encodeCheckpoint } from './encode.js';
import { gpt2DownloadHint, isHfGpt2Dir, nanoGptRunHint } from './foreign-dirs.js';
import type { CheckpointMeta } from './format.js';

/** A tensor as stored: shape and float32 data. */
export interface NamedTensor {
  shape: readonly number[];
  data: Float32Array;
}

/** Everything in a checkpoint directory. */
export interface CheckpointContents {
  meta: CheckpointMeta;
  /** model.safetensors: weights by nanoGPT state-dict name. */
  model: Record<string, NamedTensor>;
  /** optimizer.safetensors: AdamW moments by `<parameter>.exp_avg` / `<parameter>.exp_avg_sq`. */
  optimizer: Record<string, NamedTensor>;
}

const held = new Map<string, () => void>();

/**
 * Makes this process the one writer of run directory `dir`: takes its lock (`dir.lock`, see
 * `lockDir`; a second writer is refused, a crashed one's lock taken over) and finishes any swap
 * a crash interrupted. Returns the function that releases the lock.
 * @throws CliError when another process is writing `dir`.
 */
export function openRunDir(dir: string): () => void {
  const release = lockDir(dir, 'run directory');
  try {
    recoverDirSwap(dir, RUN_FILES);
  } catch (err) {
    release();
    throw err;
  }
  held.set(resolve(dir), release);
  return () => {
    held.delete(resolve(dir));
    release();
  };
}

/**
 * Writes `contents` into `dir` so that an interruption at any moment leaves either the previous
 * checkpoint or this one complete, and a reader sees one of the two whole (see
 * `replaceDirAtomic`); `log.csv` is carried over. `meta.files` is filled in here. The caller
 * should hold the directory ({@link openRunDir}); otherwise it is held for this write only.
 * @throws CheckpointError when a weight is NaN or infinite: such a checkpoint is never written.
 */
export function writeCheckpoint(
  dir: string,
  contents: Omit<CheckpointContents, 'meta'> & { meta: Omit<CheckpointMeta, 'files'> },
): void {
  const files = encodeCheckpoint(contents, dir, sha256Hex);
  const release = held.has(resolve(dir)) ? undefined : openRunDir(dir);
  try {
    replaceDirAtomic(dir, files, { carry: ['log.csv'], owned: RUN_FILES });
  } finally {
    release?.();
  }
}

/** Whether `dir` holds a checkpoint (read-only: a swap in progress counts as the checkpoint it will leave). */
export function hasCheckpoint(dir: string): boolean {
  try {
    readCheckpointMeta(dir);
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads only checkpoint.json of the checkpoint in `dir`: what a resumed run needs to know before
 * loading any tensor. Nothing on disk is changed, even after a crash (see `readableDir`).
 * @throws CheckpointError when there is no checkpoint or checkpoint.json is damaged.
 */
export function readCheckpointMeta(dir: string): CheckpointMeta {
  return readDirConsistent(dir, (at) => readMetaAt(dir, at), noDirectory);
}

/**
 * Reads the checkpoint in `dir`; with `optimizer: false` the optimizer state is neither read nor
 * checked (sampling and evaluation need only the weights). Readers never change the directory:
 * while a writer swaps in a new checkpoint, the read is repeated until it sees one whole.
 * @throws CheckpointError with one clear message when the directory, a file, its size, its hash
 *   or its contents are not what checkpoint.json says, or a weight is not finite.
 */
export function readCheckpoint(dir: string, opts: { optimizer?: boolean } = {}): CheckpointContents {
  return readDirConsistent(dir, (at) => readCheckpointAt(dir, at, opts), noDirectory);
}

function noDirectory(dir: string): CheckpointError {
  return new CheckpointError(`no checkpoint at ${dir}: the directory does not exist${gpt2DownloadHint(dir)}`);
}

function readMetaAt(dir: string, at: string): CheckpointMeta {
  if (!statSync(at).isDirectory()) throw new CheckpointError(`no checkpoint at ${dir}: not a directory`);
  const jsonPath = join(at, 'checkpoint.json');
  if (!existsSync(jsonPath)) {
    const exchange = existsSync(join(at, 'config.json'));
    throw new CheckpointError(
      exchange
        ? `${dir} is ${isHfGpt2Dir(at) ? 'a Hugging Face GPT-2' : 'an exchange'} directory (config.json, no ` +
            'checkpoint.json), not a training checkpoint'
        : existsSync(join(at, 'ckpt.pt'))
          ? `${dir} is a nanoGPT run (ckpt.pt, no checkpoint.json)${nanoGptRunHint(dir)}`
          : existsSync(join(at, 'model.safetensors'))
            ? `${dir} is incomplete: it holds model.safetensors but neither checkpoint.json (a pnpm pretrain ` +
              `checkpoint) nor config.json (an exchange directory)`
            : `no checkpoint at ${dir}: checkpoint.json is missing`,
    );
  }
  const text = readRunFile(jsonPath, join(dir, 'checkpoint.json')).toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CheckpointError(`${join(dir, 'checkpoint.json')} is damaged: it is not valid JSON (truncated?)`);
  }
  return parseCheckpointMeta(parsed, join(dir, 'checkpoint.json'));
}

/**
 * A file of a run or model directory read whole, named `shown` in messages: a file that cannot be
 * read (permissions, a directory in its place) is not called damaged, and a missing one gives
 * `missing` when there is one.
 * @throws CheckpointError
 */
export function readRunFile(at: string, shown: string, missing?: string): Buffer {
  try {
    return readFileSync(at);
  } catch (err) {
    if (missing !== undefined && (err as NodeJS.ErrnoException).code === 'ENOENT') throw new CheckpointError(missing);
    throw new CheckpointError(`cannot read ${shown}: ${describeFsError(err)}`, { cause: err });
  }
}

function readCheckpointAt(dir: string, at: string, opts: { optimizer?: boolean }): CheckpointContents {
  const meta = readMetaAt(dir, at);
  const files = opts.optimizer === false ? WEIGHT_FILES.slice(0, 1) : WEIGHT_FILES;
  const [model, optimizer = {}] = files.map((name) => {
    const path = join(dir, name);
    if (!existsSync(join(at, name))) throw new CheckpointError(`checkpoint ${dir} is incomplete: ${name} is missing`);
    const bytes = new Uint8Array(readRunFile(join(at, name), path));
    const expected = meta.files[name];
    if (bytes.length !== expected.bytes) {
      throw new CheckpointError(
        `${path} is damaged: ${bytes.length} bytes, but checkpoint.json says ${expected.bytes} (truncated?)`,
      );
    }
    if (sha256Hex(bytes) !== expected.sha256)
      throw new CheckpointError(`${path} is damaged: its SHA-256 does not match checkpoint.json`);
    let tensors: Record<string, NamedTensor>;
    try {
      tensors = decodeSafetensors(bytes).tensors;
    } catch (err) {
      if (err instanceof SafetensorsError) throw new CheckpointError(`${path} is damaged: ${err.message}`);
      throw err;
    }
    const bad = findNonFinite(tensors);
    if (bad) throw new CheckpointError(`${path} holds ${bad.value} in "${bad.name}"; refusing non-finite weights`);
    return tensors;
  });
  return { meta, model: model!, optimizer: optimizer };
}
