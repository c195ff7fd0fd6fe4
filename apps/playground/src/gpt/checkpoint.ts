// A char-gpt checkpoint directory (checkpoint.json + model.safetensors + optimizer.safetensors) or exchange
// directory, built and read from bytes in the browser.
import { decodeSafetensors } from '@tinygpt/autograd/safetensors';
import {
  CheckpointError,
  encodeCheckpoint,
  sha256Hex,
  WEIGHT_FILES,
  parseCheckpointMeta,
  parseExchangeConfig,
} from '@tinygpt/char-gpt/browser';
import type { CheckpointMeta, GptConfig, NamedTensor } from '@tinygpt/char-gpt/browser';
import type { DirFiles } from './protocol.js';

/**
 * The three files of a checkpoint directory, byte for byte what `pnpm pretrain` writes for the
 * same state (char-gpt's own encoder), so `pnpm generate --checkpoint <dir>` and
 * `pnpm pretrain --init-from resume` read them.
 */
export function checkpointFiles(
  meta: Omit<CheckpointMeta, 'files'>,
  model: Record<string, NamedTensor>,
  optimizer: Record<string, NamedTensor>,
): DirFiles {
  return { ...encodeCheckpoint({ meta, model, optimizer }, 'the browser') };
}

/** A directory's model, whichever kind it was. */
export type OpenedDir =
  | {
      kind: 'checkpoint';
      meta: CheckpointMeta;
      model: Record<string, NamedTensor>;
      optimizer: Record<string, NamedTensor> | null;
    }
  | { kind: 'exchange'; config: GptConfig; tokenizer: unknown; model: Record<string, NamedTensor> };

/**
 * Reads the files of a checkpoint directory (checkpoint.json, model.safetensors, optionally
 * optimizer.safetensors: sizes and hashes checked) or of an exchange directory (config.json,
 * model.safetensors). `name` is used in messages.
 * @throws CheckpointError with one readable message.
 */
export async function openDirFiles(files: DirFiles, name: string): Promise<OpenedDir> {
  const text = (file: string): unknown => {
    const bytes = files[file];
    if (!bytes) throw new CheckpointError(`${name}: ${file} is missing`);
    try {
      return JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      throw new CheckpointError(`${name}/${file} is not valid JSON (truncated?)`);
    }
  };
  const tensors = (file: string): Record<string, NamedTensor> => {
    const bytes = files[file];
    if (!bytes) throw new CheckpointError(`${name}: ${file} is missing`);
    try {
      return decodeSafetensors(bytes).tensors;
    } catch (err) {
      throw new CheckpointError(`${name}/${file} is damaged: ${(err as Error).message}`);
    }
  };
  if (files['checkpoint.json']) {
    const meta = parseCheckpointMeta(text('checkpoint.json'), `${name}/checkpoint.json`);
    for (const file of WEIGHT_FILES) {
      const bytes = files[file];
      if (!bytes) continue;
      const expected = meta.files[file];
      if (bytes.length !== expected.bytes)
        throw new CheckpointError(
          `${name}/${file} is damaged: ${bytes.length} bytes, checkpoint.json says ${expected.bytes}`,
        );
      if (sha256Hex(bytes) !== expected.sha256)
        throw new CheckpointError(`${name}/${file} is damaged: its SHA-256 does not match checkpoint.json`);
    }
    const optimizer = files['optimizer.safetensors'] ? tensors('optimizer.safetensors') : null;
    return { kind: 'checkpoint', meta, model: tensors('model.safetensors'), optimizer };
  }
  if (files['config.json']) {
    const { config, tokenizer } = parseExchangeConfig(text('config.json'), `${name}/config.json`);
    return { kind: 'exchange', config, tokenizer, model: tensors('model.safetensors') };
  }
  throw new CheckpointError(
    `${name} is neither a checkpoint (checkpoint.json + model.safetensors) nor an exchange directory (config.json + model.safetensors)`,
  );
}
