// Reads a run handover directory (an exchange directory plus optimizer.safetensors and run.json) and writes one atomically.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { dirRefusal, makeDir, writeError } from '@tinygpt/cli-kit';
import { SafetensorsError, decodeSafetensors } from '@tinygpt/autograd/safetensors';
import { readRunFile } from '../checkpoint/checkpoint-files.js';
import type { NamedTensor } from '../checkpoint/checkpoint-files.js';
import { CheckpointError } from '../checkpoint/format.js';
import { readExchangeDir } from './exchange-dir.js';
import type { ExchangeContents } from './exchange-dir.js';
import { parseRunJson } from './run-json.js';
import type { RunJson } from './run-json.js';

/** The files of a handover directory besides the `nanogpt/` tree that `pnpm export --run` adds. */
export const HANDOVER_FILES = ['model.safetensors', 'config.json', 'optimizer.safetensors', 'run.json'] as const;

/** A handover directory's contents, in our terms. */
export interface HandoverContents extends ExchangeContents {
  /** AdamW moments by `<nanoGPT name>.exp_avg` / `.exp_avg_sq`. */
  moments: Record<string, NamedTensor>;
  run: RunJson;
}

/** Whether `dir` holds a run handover (run.json) and no char-gpt checkpoint. */
export function isHandoverDir(dir: string): boolean {
  return existsSync(join(dir, 'run.json')) && !existsSync(join(dir, 'checkpoint.json'));
}

/**
 * Reads the handover directory `dir` (written by `pnpm export --run` or by
 * tools/nanogpt/from_nanogpt_run.py): the model as an exchange directory (checked whole), the
 * moments, and run.json. Every parameter of the optimizer's groups must have both moments, of its
 * shape, and the groups must hold exactly the model's parameters.
 * @throws CheckpointError naming the file and what is wrong.
 */
export function readHandoverDir(dir: string): HandoverContents {
  const exchange = readExchangeDir(dir);
  const runPath = join(dir, 'run.json');
  const text = readRunFile(runPath, runPath, `handover directory ${dir} is incomplete: run.json is missing`);
  let json: unknown;
  try {
    json = JSON.parse(text.toString('utf8'));
  } catch {
    throw new CheckpointError(`${runPath} is not valid JSON (truncated?)`);
  }
  const run = parseRunJson(json, runPath);
  const optPath = join(dir, 'optimizer.safetensors');
  if (!existsSync(optPath))
    throw new CheckpointError(`handover directory ${dir} is incomplete: optimizer.safetensors is missing`);
  let moments: Record<string, NamedTensor>;
  try {
    moments = decodeSafetensors(new Uint8Array(readRunFile(optPath, optPath))).tensors;
  } catch (err) {
    if (err instanceof SafetensorsError) throw new CheckpointError(`${optPath} is damaged: ${err.message}`);
    throw err;
  }
  const grouped = run.optimizer.groups.flatMap((g) => g.params);
  const params = Object.keys(exchange.weights).filter((name) => name !== 'lm_head.weight');
  const missing = params.filter((name) => !grouped.includes(name));
  const foreign = grouped.filter((name) => !params.includes(name));
  if (missing.length > 0 || foreign.length > 0 || grouped.length !== params.length) {
    throw new CheckpointError(
      `${runPath}: the optimizer groups do not list each parameter of the model once` +
        (missing[0] ? ` ("${missing[0]}" is missing)` : foreign[0] ? ` ("${foreign[0]}" is not a parameter)` : ''),
    );
  }
  for (const name of grouped) {
    const size = exchange.weights[name]!.data.length;
    for (const key of [`${name}.exp_avg`, `${name}.exp_avg_sq`]) {
      const t = moments[key];
      if (!t) throw new CheckpointError(`${optPath} lacks the optimizer state "${key}"`);
      if (t.data.length !== size)
        throw new CheckpointError(`${optPath}: "${key}" has ${t.data.length} values, the parameter ${size}`);
    }
  }
  if (Object.keys(moments).length !== 2 * grouped.length)
    throw new CheckpointError(`${optPath} holds tensors that match no parameter of the model`);
  return { ...exchange, moments, run };
}

/**
 * Why `dir` cannot be written as a run handover, or null when it can: a file is there, or a
 * directory holding anything besides handover files and a `nanogpt/` tree (an earlier handover).
 * `shown` is how the message names `dir`.
 */
export function handoverDirRefusal(dir: string, shown = dir): string | null {
  return dirRefusal(dir, [...HANDOVER_FILES, 'nanogpt'], 'a run handover', shown);
}

/**
 * Makes `dir` hold exactly `files` (relative path → contents): they are written into a fresh
 * sibling directory that then replaces `dir` by two renames, so `dir` is never half-written. An
 * existing `dir` may hold only handover files and a `nanogpt/` tree.
 * @throws CheckpointError when `dir` holds anything else; CliError when the files cannot be written
 *   (a full disk, say), with `dir` as it was and nothing of the new files left
 */
export function writeHandoverDir(dir: string, files: Record<string, Uint8Array | string>): void {
  const refusal = handoverDirRefusal(dir);
  if (refusal) throw new CheckpointError(refusal);
  makeDir(dirname(dir));
  const staging = join(dirname(dir), `.${basename(dir)}.handover-${process.pid}-${randomBytes(4).toString('hex')}`);
  const retired = `${staging}.old`;
  try {
    for (const [name, data] of Object.entries(files)) {
      mkdirSync(dirname(join(staging, name)), { recursive: true });
      writeFileSync(join(staging, name), data, { flush: true });
    }
    if (existsSync(dir)) renameSync(dir, retired);
    renameSync(staging, dir);
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    if (existsSync(retired) && !existsSync(dir)) renameSync(retired, dir);
    throw writeError(dir, err); // a file-system error (a full disk, say) in words; `dir` keeps what it held
  }
  rmSync(retired, { recursive: true, force: true });
}
