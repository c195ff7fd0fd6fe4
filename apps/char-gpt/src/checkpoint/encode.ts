// The bytes of a checkpoint directory, browser-safe: what `pnpm pretrain` writes and the playground downloads are one encoding.
import { encodeSafetensors, findNonFinite } from '@tinygpt/autograd/safetensors';
import type { CheckpointContents } from './checkpoint-files.js';
import { CheckpointError, serializeMeta, sha256Hex } from './format.js';
import type { CheckpointMeta } from './format.js';

/** The three files of a checkpoint directory, by name. */
export type CheckpointFiles = Record<'checkpoint.json' | 'model.safetensors' | 'optimizer.safetensors', Uint8Array>;

/**
 * The files of a checkpoint holding `contents`: the weights in nanoGPT names (`model.safetensors`),
 * AdamW's moments (`optimizer.safetensors`) and `checkpoint.json`, whose `files` entry (each weight
 * file's size and SHA-256) is filled in here. `where` names the destination in errors.
 * @throws CheckpointError when a weight or moment is NaN or infinite: such a checkpoint is never made.
 * @example
 * const files = encodeCheckpoint({ meta, model: modelTensors(model), optimizer: tensors }, 'runs/quick');
 */
export function encodeCheckpoint(
  contents: Omit<CheckpointContents, 'meta'> & { meta: Omit<CheckpointMeta, 'files'> },
  where: string,
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
      'model.safetensors': { bytes: model.length, sha256: sha256Hex(model) },
      'optimizer.safetensors': { bytes: optimizer.length, sha256: sha256Hex(optimizer) },
    },
  };
  return {
    'checkpoint.json': new TextEncoder().encode(serializeMeta(meta)),
    'model.safetensors': model,
    'optimizer.safetensors': optimizer,
  };
}
