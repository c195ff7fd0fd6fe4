// Turns a char-gpt checkpoint into a nanoGPT exchange directory that PyTorch's nanoGPT `GPT` loads with load_state_dict.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { GptConfig } from '../config.js';
import { CheckpointError } from '../checkpoint/format.js';
import { loadModel } from '../checkpoint/load-model.js';
import { modelTensors } from '../checkpoint/model-state.js';
import { writeExchangeDir } from './exchange-dir.js';

/** What {@link exportNanoGpt} wrote. */
export interface ExportSummary {
  config: GptConfig;
  /** Tensors in model.safetensors (the parameters plus the tied `lm_head.weight`). */
  tensors: number;
  /** Parameters of the model, each counted once. */
  params: number;
  /** Size of model.safetensors in bytes. */
  bytes: number;
}

/**
 * Writes the model of char-gpt checkpoint `checkpointDir` to `outDir` as an exchange directory:
 * model.safetensors with nanoGPT's state-dict names and layouts in float32 (`lm_head.weight`
 * included, equal to `transformer.wte.weight`, as nanoGPT's `state_dict()` lists it) and
 * config.json with nanoGPT's model args and the vocabulary as `chars`. The checkpoint is verified
 * (sizes, hashes, shapes) on the way; the optimizer state is not exported. `outDir` is replaced
 * atomically (see `writeExchangeDir`).
 * @throws CheckpointError for a missing or damaged checkpoint, or an `outDir` holding other files.
 *
 * @example
 * await exportNanoGpt('runs/quick', 'runs/quick-nanogpt');
 * // python3 tools/nanogpt/load_in_pytorch.py runs/quick-nanogpt --prompt 'Call me'
 */
export async function exportNanoGpt(checkpointDir: string, outDir: string): Promise<ExportSummary> {
  const { model, tokenizer } = await loadModel(checkpointDir);
  const weights = modelTensors(model);
  const json = tokenizer.toJSON();
  if (json.type !== 'char') {
    throw new CheckpointError(
      `${checkpointDir} uses GPT-2's tokenizer; an exchange directory holds a character vocabulary, so export a ` +
        `character model (pnpm pretrain --tokenizer char)`,
    );
  }
  writeExchangeDir(outDir, { config: { ...model.config }, tokenizer: json, weights });
  return {
    config: { ...model.config },
    tensors: Object.keys(weights).length,
    params: model.numParams(false),
    bytes: statSync(join(outDir, 'model.safetensors')).size,
  };
}
