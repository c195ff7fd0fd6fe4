// Tests of GPT-2 weights: a tiny GPT-2 in Hugging Face's published layout loads and gives PyTorch's logits and greedy
// continuation (tools/gpt2/make_tiny_gpt2.py).
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { noGrad, Rng } from '@tinygpt/autograd';
import { encodeSafetensors } from '@tinygpt/autograd/safetensors';
import { BpeTokenizer } from '@tinygpt/tokenizer';
import type { NamedTensor } from '../src/checkpoint/checkpoint-files.js';
import { generate } from '../src/generate.js';
import { isHfGpt2Dir } from '../src/checkpoint/foreign-dirs.js';
import { loadModelDir, modelDirArgs, modelDirTokenizer } from '../src/interop/model-dir.js';
import type { Gpt } from '../src/model/gpt.js';
import { scratchDir } from './helpers.js';
import { TINY_GPT2_CONFIG, tinyGpt2Tensors } from './tiny-gpt2.js';

/** What make_tiny_gpt2.py recorded from PyTorch. */
const expected = JSON.parse(readFileSync(new URL('fixtures/tiny-gpt2/expected.json', import.meta.url), 'utf8')) as {
  config: Record<string, unknown>;
  prompt: string;
  promptIds: number[];
  tensors: Record<string, { shape: number[]; sha256: string }>;
  logitStride: number;
  logits: number[][];
  logsumexp: number[];
  greedy: number[];
};

/** Writes a Hugging Face GPT-2 directory of `tensors` and returns its path. */
function hfDir(tensors: Record<string, NamedTensor>, config: object = TINY_GPT2_CONFIG): string {
  const dir = join(scratchDir(), 'gpt2');
  mkdirSync(dir);
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config, null, 2));
  writeFileSync(join(dir, 'model.safetensors'), encodeSafetensors(tensors, { format: 'pt' }));
  return dir;
}

/** Logits (T, V) of `ids` from the whole sequence at once. */
function logitsOf(model: Gpt, ids: readonly number[]): Float32Array {
  return noGrad(() => model.forward(Int32Array.from(ids), [1, ids.length]).logits.data).slice();
}

/** Largest difference from PyTorch's recorded logits (every logitStride-th id) and logsumexps (all ids). */
function worstDifference(model: Gpt): number {
  const V = TINY_GPT2_CONFIG.vocab_size;
  const logits = logitsOf(model, expected.promptIds);
  let worst = 0;
  expected.logits.forEach((row, t) => {
    row.forEach((value, k) => (worst = Math.max(worst, Math.abs(logits[t * V + k * expected.logitStride]! - value))));
    let max = -Infinity;
    for (let v = 0; v < V; v++) max = Math.max(max, logits[t * V + v]!);
    let sum = 0;
    for (let v = 0; v < V; v++) sum += Math.exp(logits[t * V + v]! - max);
    worst = Math.max(worst, Math.abs(max + Math.log(sum) - expected.logsumexp[t]!));
  });
  return worst;
}

let tensors: Record<string, NamedTensor>;
let published: string;

beforeAll(() => {
  tensors = tinyGpt2Tensors();
  published = hfDir(tensors);
});

describe('a Hugging Face GPT-2 directory', () => {
  it('is rebuilt bit for bit: every tensor of make_tiny_gpt2.py, same name, shape and SHA-256', () => {
    expect(Object.keys(tensors).sort()).toEqual(Object.keys(expected.tensors).sort());
    for (const [name, t] of Object.entries(tensors)) {
      expect(t.shape, name).toEqual(expected.tensors[name]!.shape);
      const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
      expect(createHash('sha256').update(bytes).digest('hex'), name).toBe(expected.tensors[name]!.sha256);
    }
    expect(expected.config).toEqual(TINY_GPT2_CONFIG);
  });

  it("the prompt's ids are tiktoken's gpt2 ids, as the script hard-codes them", async () => {
    const gpt2 = await BpeTokenizer.load();
    expect(Array.from(gpt2.encode(expected.prompt))).toEqual(expected.promptIds);
  });

  it('is recognised, with its shape, GELU and tokenizer', () => {
    expect(isHfGpt2Dir(published)).toBe(true);
    expect(modelDirArgs(published)).toEqual({
      vocabSize: 50257,
      blockSize: 64,
      nLayer: 2,
      nHead: 4,
      nEmbd: 64,
      dropout: 0,
      bias: true,
      gelu: 'tanh',
    });
    expect(modelDirTokenizer(published)).toBe('gpt2');
  });

  it("gives PyTorch's logits within 1e-4 (nanoGPT from_pretrained conventions, tanh GELU)", async () => {
    const { model, tokenizer } = await loadModelDir(published);
    expect(model.training).toBe(false);
    expect(tokenizer.toJSON()).toEqual({ type: 'gpt2' });
    expect(worstDifference(model)).toBeLessThan(1e-4);
  });

  it("continues the prompt greedily with PyTorch's 40 tokens (KV cache), streamed as decode writes them", async () => {
    const { model, tokenizer } = await loadModelDir(published);
    const stream = tokenizer.streamDecoder();
    let text = '';
    const ids = await generate(model, Int32Array.from(expected.promptIds), {
      maxNewTokens: 40,
      temperature: 0,
      rng: new Rng(1),
      sampleableIds: tokenizer.vocabSize,
      onToken: (id) => (text += stream.write(id)),
    });
    expect(Array.from(ids)).toEqual(expected.greedy);
    expect(text + stream.end()).toBe(tokenizer.decode(ids));
  });

  it('accepts the transformer.-prefixed copy with an explicit lm_head.weight and masked_bias buffers', async () => {
    const prefixed: Record<string, NamedTensor> = {};
    for (const [name, t] of Object.entries(tensors)) prefixed[`transformer.${name}`] = t;
    prefixed['lm_head.weight'] = { shape: tensors['wte.weight']!.shape, data: tensors['wte.weight']!.data.slice() };
    prefixed['transformer.h.0.attn.masked_bias'] = { shape: [], data: Float32Array.of(-1e4) };
    const { model } = await loadModelDir(hfDir(prefixed));
    expect(worstDifference(model)).toBeLessThan(1e-4);
  });

  it('refuses, in one message, an untied lm_head, a Conv1D weight stored (out, in), and options it lacks', async () => {
    const untied = { ...tensors, 'lm_head.weight': { shape: [50257, 64], data: new Float32Array(50257 * 64) } };
    await expect(loadModelDir(hfDir(untied))).rejects.toThrow(
      /lm_head\.weight" differs from "transformer\.wte\.weight"|lm_head\.weight differs/,
    );
    const c = tensors['h.1.mlp.c_fc.weight']!;
    const flipped = { ...tensors, 'h.1.mlp.c_fc.weight': { shape: [256, 64], data: c.data } };
    await expect(loadModelDir(hfDir(flipped))).rejects.toThrow(
      /"h\.1\.mlp\.c_fc\.weight" has shape \(256, 64\), but GPT-2's Conv1D stores its weight \(in, out\) = \(64, 256\)/,
    );
    await expect(loadModelDir(hfDir(tensors, { ...TINY_GPT2_CONFIG, layer_norm_epsilon: 1e-6 }))).rejects.toThrow(
      /"layer_norm_epsilon" is 0\.000001; this GPT's LayerNorm uses 1e-5/,
    );
    await expect(loadModelDir(hfDir(tensors, { ...TINY_GPT2_CONFIG, activation_function: 'relu' }))).rejects.toThrow(
      /"activation_function" "relu" is not one of/,
    );
  });
});
