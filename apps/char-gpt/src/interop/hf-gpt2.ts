// Reads a Hugging Face GPT-2 directory as published (openai-community/gpt2: config.json + model.safetensors) into our
// Gpt, as nanoGPT's GPT.from_pretrained does.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SafetensorsError, decodeSafetensors } from '@tinygpt/autograd/safetensors';
import { BpeTokenizer } from '@tinygpt/tokenizer';
import type { GptConfig } from '../config.js';
import { readRunFile } from '../checkpoint/checkpoint-files.js';
import type { NamedTensor } from '../checkpoint/checkpoint-files.js';
import { CheckpointError } from '../checkpoint/format.js';
import { loadModelTensors } from '../checkpoint/model-state.js';
import { toNanoGptName } from '../checkpoint/names.js';
import { Gpt, weightsToLoad } from '../model/gpt.js';

/** The activations of `transformers`' GPT-2 config and the GELU each means here. */
const ACTIVATIONS: Readonly<Record<string, 'none' | 'tanh'>> = {
  gelu_new: 'tanh', // GPT-2's own (OpenAI's weights were trained with it)
  gelu_pytorch_tanh: 'tanh',
  gelu_fast: 'tanh',
  gelu: 'none',
};

/** The only LayerNorm epsilon our LayerNorm uses (and GPT-2's). */
const LAYER_NORM_EPS = 1e-5;

/** GPT-2's Conv1D layers store their weight (in, out); ours (and nanoGPT's Linear) are (out, in). */
const CONV1D = /\.(attn\.c_attn|attn\.c_proj|mlp\.c_fc|mlp\.c_proj)\.weight$/;
/** The causal-mask buffers `transformers` saves with older GPT-2 files: not weights. */
const BUFFER = /^h\.(\d+)\.attn\.(bias|masked_bias)$/;

/**
 * The model args that config.json of a Hugging Face GPT-2 directory describes: `n_positions` (or
 * the older `n_ctx`) as the block size, biases on, the GELU of `activation_function`, no dropout
 * (a run started from it sets its own). Options this GPT does not implement are refused.
 * @throws CheckpointError naming the key.
 */
export function readHfGpt2Config(dir: string): GptConfig {
  const path = join(dir, 'config.json');
  const text = readRunFile(path, path);
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text.toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new CheckpointError(`${path} is not valid JSON (truncated?)`);
  }
  const fail = (what: string): never => {
    throw new CheckpointError(`${path}: ${what}`);
  };
  const count = (key: string, fallback?: string): number => {
    const v = json[key] ?? (fallback === undefined ? undefined : json[fallback]);
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0)
      return fail(`"${key}" must be a positive integer, got ${JSON.stringify(v)}`);
    return v;
  };
  const nLayer = count('n_layer');
  const nHead = count('n_head');
  const nEmbd = count('n_embd');
  const blockSize = count('n_positions', 'n_ctx');
  const vocabSize = count('vocab_size');
  if (nEmbd % nHead !== 0) fail(`"n_embd" ${nEmbd} is not a multiple of "n_head" ${nHead}`);
  if (vocabSize < 50257) fail(`"vocab_size" is ${vocabSize}, fewer than GPT-2's 50,257 tokens`);
  const activation = json.activation_function ?? 'gelu_new';
  const gelu = typeof activation === 'string' ? ACTIVATIONS[activation] : undefined;
  if (gelu === undefined)
    fail(`"activation_function" ${JSON.stringify(activation)} is not one of ${Object.keys(ACTIVATIONS).join(', ')}`);
  const eps = json.layer_norm_epsilon ?? LAYER_NORM_EPS;
  if (eps !== LAYER_NORM_EPS) fail(`"layer_norm_epsilon" is ${JSON.stringify(eps)}; this GPT's LayerNorm uses 1e-5`);
  const inner = json.n_inner ?? null;
  if (inner !== null && inner !== 4 * nEmbd) fail(`"n_inner" ${JSON.stringify(inner)} is not 4 · n_embd`);
  for (const key of ['scale_attn_by_inverse_layer_idx', 'reorder_and_upcast_attn', 'add_cross_attention']) {
    if (json[key] === true) fail(`"${key}": true is not supported`);
  }
  if (json.scale_attn_weights === false) fail('"scale_attn_weights": false is not supported');
  if (json.tie_word_embeddings === false) fail('"tie_word_embeddings": false is not supported (this GPT ties them)');
  return { vocabSize, blockSize, nLayer, nHead, nEmbd, dropout: 0, bias: true, gelu };
}

/**
 * GPT-2's tensors (either naming: `h.0.attn.c_attn.weight`, or with `transformer.` and an explicit
 * `lm_head.weight`) as nanoGPT's state dict of `model`: prefix added, Conv1D weights transposed to
 * (out, in), mask buffers dropped. Every name and shape is checked by the caller's load.
 * @throws CheckpointError for a Conv1D weight of the wrong shape.
 */
export function fromHfGpt2State(
  tensors: Record<string, NamedTensor>,
  config: GptConfig,
  where: string,
): Record<string, NamedTensor> {
  const C = config.nEmbd;
  const conv1d: Readonly<Record<string, readonly [number, number]>> = {
    'attn.c_attn': [C, 3 * C],
    'attn.c_proj': [C, C],
    'mlp.c_fc': [C, 4 * C],
    'mlp.c_proj': [4 * C, C],
  };
  const out: Record<string, NamedTensor> = {};
  for (const [stored, t] of Object.entries(tensors)) {
    const name = stored.startsWith('transformer.') ? stored.slice('transformer.'.length) : stored;
    if (BUFFER.test(name)) continue;
    if (name === 'lm_head.weight') {
      out[name] = t;
      continue;
    }
    const layer = CONV1D.exec(name)?.[1];
    if (layer === undefined) {
      out[`transformer.${name}`] = t;
      continue;
    }
    const [rows, cols] = conv1d[layer]!;
    if (t.shape.length !== 2 || t.shape[0] !== rows || t.shape[1] !== cols) {
      throw new CheckpointError(
        `${where}: "${stored}" has shape (${t.shape.join(', ')}), but GPT-2's Conv1D stores its weight (in, out) = (${rows}, ${cols})`,
      );
    }
    out[`transformer.${name}`] = transposed(t);
  }
  return out;
}

/** A model read from a Hugging Face GPT-2 directory, in eval mode, with GPT-2's tokenizer. */
export interface HfGpt2Model {
  model: Gpt;
  tokenizer: BpeTokenizer;
  config: GptConfig;
}

/**
 * The GPT-2 of Hugging Face directory `dir` (config.json + model.safetensors as published, F32,
 * F16 or BF16), with GPT-2's tokenizer, ready to sample (eval mode) or to start a run from.
 * @throws CheckpointError naming the file and what is wrong.
 *
 * @example
 * const { model, tokenizer } = await loadHfGpt2('models/gpt2'); // openai-community/gpt2, downloaded
 */
export async function loadHfGpt2(dir: string): Promise<HfGpt2Model> {
  const config = readHfGpt2Config(dir);
  const path = join(dir, 'model.safetensors');
  if (!existsSync(path))
    throw new CheckpointError(
      `${dir} has a GPT-2 config.json but no model.safetensors (pytorch_model.bin is not read)`,
    );
  let tensors: Record<string, NamedTensor>;
  try {
    tensors = decodeSafetensors(new Uint8Array(readRunFile(path, path))).tensors;
  } catch (err) {
    if (err instanceof SafetensorsError) throw new CheckpointError(`${path} is damaged: ${err.message}`);
    throw err;
  }
  const model = new Gpt(config, { rng: weightsToLoad() }); // weights overwritten below
  const state = fromHfGpt2State(tensors, config, path);
  const expected = new Set(model.namedParameters().map(([name]) => toNanoGptName(name)));
  for (const name of Object.keys(state)) {
    if (name !== 'lm_head.weight' && !expected.has(name))
      throw new CheckpointError(
        `${path} holds "${name.slice('transformer.'.length)}", which is not a GPT-2 weight of the shape config.json describes`,
      );
  }
  loadModelTensors(model, state, path);
  model.eval();
  return { model, tokenizer: await BpeTokenizer.load(), config: model.config };
}

/** A 2-D tensor (rows, cols) as (cols, rows). */
function transposed(t: NamedTensor): NamedTensor {
  const [rows, cols] = t.shape as [number, number];
  const data = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) data[c * rows + r] = t.data[r * cols + c]!;
  return { shape: [cols, rows], data };
}
