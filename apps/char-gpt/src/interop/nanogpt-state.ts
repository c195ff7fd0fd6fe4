// Brings a nanoGPT state dict to exactly the tensors our Gpt holds: torch.compile's prefix stripped, causal-mask
// buffers dropped, a lone tied head accepted, every name and shape checked.
import type { NamedTensor } from '../checkpoint/checkpoint-files.js';
import { CheckpointError } from '../checkpoint/format.js';
import { toNanoGptName } from '../checkpoint/names.js';
import type { Gpt } from '../model/gpt.js';

/** What `torch.compile` puts before every name of the model it wraps (nanoGPT saves the wrapped model's state dict). */
export const COMPILE_PREFIX = '_orig_mod.';

const HEAD = 'lm_head.weight';
const WTE = 'transformer.wte.weight';
/** nanoGPT registers its causal mask as a buffer named `bias` when flash attention is unavailable (PyTorch < 2.0). */
const MASK = /^transformer\.h\.(\d+)\.attn\.bias$/;

/**
 * The weights in `tensors` (a nanoGPT state dict, as saved to safetensors) as `modelTensors`
 * lists them for `model`: nanoGPT names in parameter order plus `lm_head.weight`, equal to
 * `transformer.wte.weight` (the two are tied). Accepted on the way:
 * - a `_orig_mod.` prefix on the names (torch.compile);
 * - the causal-mask buffers `transformer.h.N.attn.bias` of shape (1, 1, block_size, block_size),
 *   dropped; they are not parameters (`attn.c_attn.bias` and `attn.c_proj.bias` are, and stay);
 * - only one of `lm_head.weight` and `transformer.wte.weight`, the other being the same tensor.
 *
 * `model` fixes the expected names and shapes; it is not modified. `where` names the file in messages.
 * @throws CheckpointError naming the first tensor that is missing, unexpected, or misshapen.
 */
export function fromNanoGptState(
  tensors: Record<string, NamedTensor>,
  model: Gpt,
  where: string,
): Record<string, NamedTensor> {
  const { config } = model;
  const expected = new Map(model.namedParameters().map(([name, p]) => [toNanoGptName(name), p.shape] as const));
  const state = new Map<string, NamedTensor>();
  for (const [stored, t] of Object.entries(tensors)) {
    const name = stored.startsWith(COMPILE_PREFIX) ? stored.slice(COMPILE_PREFIX.length) : stored;
    if (state.has(name))
      throw new CheckpointError(`${where} holds "${name}" twice (with and without the "${COMPILE_PREFIX}" prefix)`);
    const mask = MASK.exec(name);
    if (mask && Number(mask[1]) < config.nLayer) {
      const T = config.blockSize;
      if (!sameShape(t.shape, [1, 1, T, T])) {
        throw new CheckpointError(
          `${where}: "${name}" has shape ${showShape(t.shape)}, but nanoGPT's causal-mask buffer is (1, 1, ` +
            `block_size, block_size) = ${showShape([1, 1, T, T])}`,
        );
      }
      continue; // a constant of the architecture, not a weight
    }
    state.set(name, t);
  }
  const wte = state.get(WTE);
  const head = state.get(HEAD);
  if (wte && head && !sameData(wte, head)) {
    throw new CheckpointError(
      `${where}: "${HEAD}" differs from "${WTE}", but nanoGPT ties the two, and so does this GPT`,
    );
  }
  if (!wte && head) state.set(WTE, head);
  state.delete(HEAD);
  for (const name of state.keys()) {
    if (!expected.has(name))
      throw new CheckpointError(
        `${where} holds "${name}", which is not a parameter of the model config.json describes${hint(name, model)}`,
      );
  }
  const out: Record<string, NamedTensor> = {};
  for (const [name, shape] of expected) {
    const t = state.get(name);
    if (!t)
      throw new CheckpointError(
        `${where} lacks "${name}" of shape ${showShape(shape)}, a parameter of the model config.json describes${hint(name, model)}`,
      );
    if (!sameShape(t.shape, shape) || t.data.length !== shape.reduce((a, b) => a * b, 1)) {
      const transposed = shape.length === 2 && sameShape(t.shape, [shape[1]!, shape[0]!]);
      throw new CheckpointError(
        `${where}: "${name}" has shape ${showShape(t.shape)}, but the model config.json describes needs ${showShape(shape)}` +
          (transposed ? " (transposed: nanoGPT's Linear weights are (out, in))" : ''),
      );
    }
    out[name] = t;
  }
  out[HEAD] = out[WTE]!;
  return out;
}

/** Why a name may be missing or unexpected: the config key that decides it. */
function hint(name: string, model: Gpt): string {
  const { config } = model;
  const block = /^transformer\.h\.(\d+)\./.exec(name);
  if (block && Number(block[1]) >= config.nLayer) return ` (config.json says "n_layer": ${config.nLayer})`;
  if (name.endsWith('.bias')) return ` (config.json says "bias": ${config.bias})`;
  return '';
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function sameData(a: NamedTensor, b: NamedTensor): boolean {
  return sameShape(a.shape, b.shape) && a.data.every((v, i) => Object.is(v, b.data[i]));
}

function showShape(shape: readonly number[]): string {
  return `(${shape.join(', ')})`;
}
