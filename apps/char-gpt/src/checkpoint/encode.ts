// The bytes of a checkpoint directory, browser-safe: what `pnpm pretrain` writes and the playground downloads are one encoding.
import { encodeSafetensors, findNonFinite } from '@tinygpt/autograd/safetensors';
import type { TrainConfig } from '../config.js';
import type { Gpt } from '../model/gpt.js';
import type { ConfiguredOptimizer } from '../optimizer.js';
import type { RunRng } from '../run-rng.js';
import type { CheckpointContents } from './checkpoint-files.js';
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, CheckpointError, serializeMeta, sha256Hex } from './format.js';
import type { CheckpointMeta } from './format.js';
import { modelTensors } from './model-state.js';
import { optimizerTensors } from './optimizer-state.js';

/** What a checkpoint is made of, before the weight files' sizes and hashes are known. */
export type CheckpointParts = Omit<CheckpointContents, 'meta'> & { meta: Omit<CheckpointMeta, 'files'> };

/** The parts of a training run its checkpoint keeps: char-gpt's `Run`, the playground's run. */
export interface RunState {
  config: TrainConfig;
  model: Gpt;
  opt: ConfiguredOptimizer;
  rng: RunRng;
  tokenizer: { toJSON(): unknown };
  corpus: CheckpointMeta['corpus'];
  iter: number;
  evaluated: boolean;
  bestValLoss: number | null;
}

/**
 * The checkpoint of `run`: checkpoint.json's fields, the weights and AdamW's moments, as
 * `pnpm pretrain` writes them and the playground downloads them (one definition for both).
 * @example
 * const files = encodeCheckpoint(runCheckpoint(run), 'runs/quick');
 */
export function runCheckpoint(run: RunState): CheckpointParts {
  const { tensors, scalars } = optimizerTensors(run.opt);
  const meta: CheckpointParts['meta'] = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    iter: run.iter,
    evaluated: run.evaluated,
    bestValLoss: run.bestValLoss,
    config: run.config,
    modelArgs: { ...run.model.config },
    tokenizer: run.tokenizer.toJSON(),
    rng: run.rng.state(),
    optimizer: scalars,
    corpus: run.corpus,
  };
  return { meta, model: modelTensors(run.model), optimizer: tensors };
}

/** The three files of a checkpoint directory, by name. */
export type CheckpointFiles = Record<'checkpoint.json' | 'model.safetensors' | 'optimizer.safetensors', Uint8Array>;

/**
 * The files of a checkpoint holding `contents`: the weights in nanoGPT names (`model.safetensors`),
 * AdamW's moments (`optimizer.safetensors`) and `checkpoint.json`, whose `files` entry (each weight
 * file's size and SHA-256) is filled in here. `where` names the destination in errors. `hash` computes
 * the SHA-256 hex of a file: the portable one by default; Node passes its native one, ten or more
 * times faster.
 * @throws CheckpointError when a weight or moment is NaN or infinite: such a checkpoint is never made.
 * @example
 * const files = encodeCheckpoint({ meta, model: modelTensors(model), optimizer: tensors }, 'runs/quick');
 */
export function encodeCheckpoint(
  contents: CheckpointParts,
  where: string,
  hash: (bytes: Uint8Array) => string = sha256Hex,
): CheckpointFiles {
  for (const [file, tensors] of [
    ['model.safetensors', contents.model],
    ['optimizer.safetensors', contents.optimizer],
  ] as const) {
    const bad = findNonFinite(tensors);
    if (bad) {
      throw new CheckpointError(
        `not writing a checkpoint to ${where}: ${file} would hold ${bad.value} in "${bad.name}"; the last checkpoint was kept`,
      );
    }
  }
  const model = encodeSafetensors(contents.model, { format: 'pt' });
  const optimizer = encodeSafetensors(contents.optimizer);
  const meta: CheckpointMeta = {
    ...contents.meta,
    files: {
      'model.safetensors': { bytes: model.length, sha256: hash(model) },
      'optimizer.safetensors': { bytes: optimizer.length, sha256: hash(optimizer) },
    },
  };
  return {
    'checkpoint.json': new TextEncoder().encode(serializeMeta(meta)),
    'model.safetensors': model,
    'optimizer.safetensors': optimizer,
  };
}
