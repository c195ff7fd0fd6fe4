// A char-gpt checkpoint directory (checkpoint.json + model.safetensors + optimizer.safetensors) or exchange directory, built and read from bytes in the browser.
import { decodeSafetensors, encodeSafetensors } from '@tinygpt/autograd/safetensors';
import {
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  CheckpointError,
  WEIGHT_FILES,
  parseCheckpointMeta,
  parseExchangeConfig,
} from '@tinygpt/char-gpt/browser';
import type { CheckpointMeta, GptConfig, NamedTensor } from '@tinygpt/char-gpt/browser';
import type { DirFiles } from './protocol.js';

/** SHA-256 of `bytes` as lowercase hex (what checkpoint.json lists for each weight file). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The three files of a checkpoint directory, byte for byte what `pnpm pretrain` writes for the
 * same state (checkpoint.json indented by one space, weights in nanoGPT names), so
 * `pnpm generate --out-dir <dir>` and `pnpm pretrain --init-from resume` read them.
 */
export async function encodeCheckpoint(
  meta: Omit<CheckpointMeta, 'files'>,
  model: Record<string, NamedTensor>,
  optimizer: Record<string, NamedTensor>,
): Promise<DirFiles> {
  const modelBytes = encodeSafetensors(model, { format: 'pt' });
  const optimizerBytes = encodeSafetensors(optimizer);
  const full: CheckpointMeta = {
    ...meta,
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    files: {
      'model.safetensors': { bytes: modelBytes.length, sha256: await sha256Hex(modelBytes) },
      'optimizer.safetensors': { bytes: optimizerBytes.length, sha256: await sha256Hex(optimizerBytes) },
    },
  };
  return {
    'checkpoint.json': new TextEncoder().encode(`${JSON.stringify(full, null, 1)}\n`),
    'model.safetensors': modelBytes,
    'optimizer.safetensors': optimizerBytes,
  };
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
      if ((await sha256Hex(bytes)) !== expected.sha256)
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
