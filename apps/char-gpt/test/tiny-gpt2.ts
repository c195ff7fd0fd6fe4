// A tiny GPT-2 (2 layers, 64 wide, GPT-2's real 50,257-token vocabulary) in Hugging Face's published layout, computed
// from a formula that tools/gpt2/make_tiny_gpt2.py computes identically.
import type { NamedTensor } from '../src/checkpoint/checkpoint-files.js';

/** config.json of the tiny model, with the keys (and the defaults) of openai-community/gpt2's. */
export const TINY_GPT2_CONFIG = {
  activation_function: 'gelu_new',
  architectures: ['GPT2LMHeadModel'],
  attn_pdrop: 0.1,
  bos_token_id: 50256,
  embd_pdrop: 0.1,
  eos_token_id: 50256,
  initializer_range: 0.02,
  layer_norm_epsilon: 1e-5,
  model_type: 'gpt2',
  n_ctx: 64,
  n_embd: 64,
  n_head: 4,
  n_layer: 2,
  n_positions: 64,
  resid_pdrop: 0.1,
  vocab_size: 50257,
} as const;

/** FNV-1a of an ASCII name: each tensor's stream of numbers starts from it. */
function fnv1a(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** A 32-bit integer hash (Chris Wellons' lowbias32): every output bit depends on every input bit. */
function mix(x: number): number {
  x = (x ^ (x >>> 16)) >>> 0;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x = (x ^ (x >>> 15)) >>> 0;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * `offset + scale · u_i` rounded to float32, with `u_i` in [-1, 1) from the top 24 bits of
 * `mix(fnv1a(name) + i · 0x9E3779B1)`; every step is exact or rounded identically in float64 by
 * JavaScript and numpy, so both languages produce the same bits.
 */
function uniform(name: string, n: number, scale: number, offset = 0): Float32Array {
  const seed = fnv1a(name);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const h = mix((seed + Math.imul(i, 0x9e3779b1)) >>> 0);
    out[i] = offset + scale * (((h >>> 8) / 16777216) * 2 - 1);
  }
  return out;
}

/**
 * The tensors of the tiny GPT-2, named and shaped as openai-community/gpt2's model.safetensors:
 * no `transformer.` prefix, Conv1D weights (in, out), biases, the causal-mask buffers
 * `h.N.attn.bias` (1, 1, n_positions, n_positions), and no `lm_head.weight` (tied to `wte`).
 */
export function tinyGpt2Tensors(): Record<string, NamedTensor> {
  const { n_embd: C, n_layer: L, n_positions: P, vocab_size: V } = TINY_GPT2_CONFIG;
  const out: Record<string, NamedTensor> = {};
  const add = (name: string, shape: number[], scale: number, offset = 0): void => {
    out[name] = {
      shape,
      data: uniform(
        name,
        shape.reduce((a, b) => a * b, 1),
        scale,
        offset,
      ),
    };
  };
  add('wte.weight', [V, C], 0.5);
  add('wpe.weight', [P, C], 1.0);
  for (let l = 0; l < L; l++) {
    const h = `h.${l}`;
    add(`${h}.ln_1.weight`, [C], 0.25, 1);
    add(`${h}.ln_1.bias`, [C], 0.125);
    add(`${h}.attn.c_attn.weight`, [C, 3 * C], 0.25);
    add(`${h}.attn.c_attn.bias`, [3 * C], 0.125);
    add(`${h}.attn.c_proj.weight`, [C, C], 0.25);
    add(`${h}.attn.c_proj.bias`, [C], 0.125);
    add(`${h}.ln_2.weight`, [C], 0.25, 1);
    add(`${h}.ln_2.bias`, [C], 0.125);
    add(`${h}.mlp.c_fc.weight`, [C, 4 * C], 0.25);
    add(`${h}.mlp.c_fc.bias`, [4 * C], 0.125);
    add(`${h}.mlp.c_proj.weight`, [4 * C, C], 0.125);
    add(`${h}.mlp.c_proj.bias`, [C], 0.125);
    const mask = new Float32Array(P * P);
    for (let i = 0; i < P; i++) mask.fill(1, i * P, i * P + i + 1);
    out[`${h}.attn.bias`] = { shape: [1, 1, P, P], data: mask };
  }
  add('ln_f.weight', [C], 0.25, 1);
  add('ln_f.bias', [C], 0.125);
  return out;
}
