// Writes a checkpoint directory atomically and reads one back, verifying every file's size and SHA-256 before trusting it.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SafetensorsError, decodeSafetensors, encodeSafetensors } from '@tinygpt/autograd/safetensors';
import { recoverDir, replaceDirFiles } from './atomic-dir.js';
import { CheckpointError, WEIGHT_FILES, parseCheckpointMeta } from './format.js';
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

/**
 * Writes `contents` into `dir` so that an interruption at any moment leaves either the previous
 * checkpoint or this one complete (see `replaceDirFiles`); `log.csv` is carried over.
 * `meta.files` is filled in here.
 */
export function writeCheckpoint(
  dir: string,
  contents: Omit<CheckpointContents, 'meta'> & { meta: Omit<CheckpointMeta, 'files'> },
): void {
  const model = encodeSafetensors(contents.model, { format: 'pt' });
  const optimizer = encodeSafetensors(contents.optimizer);
  const meta: CheckpointMeta = {
    ...contents.meta,
    files: { 'model.safetensors': describe(model), 'optimizer.safetensors': describe(optimizer) },
  };
  replaceDirFiles(
    dir,
    {
      'model.safetensors': model,
      'optimizer.safetensors': optimizer,
      'checkpoint.json': `${JSON.stringify(meta, null, 1)}\n`,
    },
    ['log.csv'],
  );
}

/** Whether `dir` holds a checkpoint (after finishing any interrupted swap). */
export function hasCheckpoint(dir: string): boolean {
  recoverDir(dir);
  return existsSync(join(dir, 'checkpoint.json'));
}

/**
 * Reads only checkpoint.json of the checkpoint in `dir` (finishing an interrupted swap first):
 * what a resumed run needs to know before loading any tensor.
 * @throws CheckpointError when there is no checkpoint or checkpoint.json is damaged.
 */
export function readCheckpointMeta(dir: string): CheckpointMeta {
  if (!existsSync(dir) && !existsSync(`${dir}.next`) && !existsSync(`${dir}.prev`)) {
    throw new CheckpointError(`no checkpoint at ${dir}: the directory does not exist`);
  }
  recoverDir(dir);
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new CheckpointError(`no checkpoint at ${dir}: not a directory`);
  const jsonPath = join(dir, 'checkpoint.json');
  if (!existsSync(jsonPath)) throw new CheckpointError(`no checkpoint at ${dir}: checkpoint.json is missing`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(jsonPath, 'utf8'));
  } catch {
    throw new CheckpointError(`${jsonPath} is damaged: it is not valid JSON (truncated?)`);
  }
  return parseCheckpointMeta(parsed, jsonPath);
}

/**
 * Reads the checkpoint in `dir`, finishing an interrupted swap first; with `optimizer: false` the
 * optimizer state is neither read nor checked (sampling and evaluation need only the weights).
 * @throws CheckpointError with one clear message when the directory, a file, its size, its hash
 *   or its contents are not what checkpoint.json says.
 */
export function readCheckpoint(dir: string, opts: { optimizer?: boolean } = {}): CheckpointContents {
  const meta = readCheckpointMeta(dir);
  const files = opts.optimizer === false ? WEIGHT_FILES.slice(0, 1) : WEIGHT_FILES;
  const [model, optimizer = {}] = files.map((name) => {
    const path = join(dir, name);
    if (!existsSync(path)) throw new CheckpointError(`checkpoint ${dir} is incomplete: ${name} is missing`);
    const bytes = new Uint8Array(readFileSync(path));
    const expected = meta.files[name];
    if (bytes.length !== expected.bytes) {
      throw new CheckpointError(
        `${path} is damaged: ${bytes.length} bytes, but checkpoint.json says ${expected.bytes} (truncated?)`,
      );
    }
    if (sha256(bytes) !== expected.sha256)
      throw new CheckpointError(`${path} is damaged: its SHA-256 does not match checkpoint.json`);
    try {
      return decodeSafetensors(bytes).tensors;
    } catch (err) {
      if (err instanceof SafetensorsError) throw new CheckpointError(`${path} is damaged: ${err.message}`);
      throw err;
    }
  });
  return { meta, model: model!, optimizer: optimizer! };
}

function describe(bytes: Uint8Array): { bytes: number; sha256: string } {
  return { bytes: bytes.length, sha256: sha256(bytes) };
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
