// Tests of GPT-2-token pretraining: the corpus encoded in pieces as in one call, a run whose loss starts near ln
// 50,257 and falls, a padded vocabulary whose pad rows are never sampled.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Rng } from '@tinygpt/autograd';
import { BpeTokenizer } from '@tinygpt/tokenizer';
import { readCheckpointMeta } from '../src/checkpoint/checkpoint-files.js';
import { pretrainConfig } from '../src/cli/pretrain-config.js';
import { modelVocabSize } from '../src/config.js';
import { encodeCorpus, safeCuts } from '../src/encode-corpus.js';
import { generate } from '../src/generate.js';
import { loadModelDir } from '../src/interop/model-dir.js';
import { parameterSplit, train } from '../src/train.js';
import { tinyRun } from './helpers.js';

const shakespeare = new URL('../../../../shared/datasets/tinyshakespeare.txt', import.meta.url);

/** Text with the spots where a careless cut would change GPT-2's tokens. */
const tricky = Array.from(
  { length: 40 },
  (_, i) =>
    `Line ${i}: don't stop.\n  indented\n\n\nx\n's\n é😀 ${'  '.repeat(i % 3)}\n` +
    `<|endoftext|>word\n${i % 2 ? '\t' : ''}next\n`,
).join('');

describe('encodeCorpus', () => {
  it('cuts only after a newline between two non-space characters', () => {
    const cuts = safeCuts(tricky, 10);
    expect(cuts.length).toBeGreaterThan(10);
    for (const cut of cuts) expect(tricky.slice(cut - 2, cut + 1)).toMatch(/^\S\n\S$/);
  });

  it('gives the ids of one whole-text encode, in small pieces, reporting progress to the end', async () => {
    const gpt2 = await BpeTokenizer.load();
    const progress: number[] = [];
    const ids = await encodeCorpus(gpt2, tricky, (done) => progress.push(done), 10);
    expect(Array.from(ids)).toEqual(Array.from(gpt2.encode(tricky)));
    expect(progress.length).toBeGreaterThan(10);
    expect(progress.at(-1)).toBe(tricky.length);
  });

  it.skipIf(!existsSync(shakespeare))('gives the ids of one whole-text encode on tinyshakespeare', async () => {
    const text = readFileSync(shakespeare, 'utf8');
    const gpt2 = await BpeTokenizer.load();
    const ids = await encodeCorpus(gpt2, text);
    expect(ids.length).toBe(338025); // nanoGPT's data/shakespeare/prepare.py: train 301,966 + val 36,059
    expect(Array.from(ids)).toEqual(Array.from(gpt2.encode(text)));
  });
  if (!existsSync(shakespeare)) console.log('skipped: ../shared/datasets/tinyshakespeare.txt is not on this machine');
});

describe('pretraining on GPT-2 tokens', () => {
  it('pads the vocabulary to 50,304 and starts at a loss near ln 50,257, which then falls', async () => {
    expect(modelVocabSize('gpt2', 50257)).toBe(50304);
    expect(modelVocabSize('char', 65)).toBe(65);
    const config = tinyRun({
      tokenizer: 'gpt2',
      maxIters: 8,
      evalInterval: 8,
      lrDecayIters: 8,
      learningRate: 1e-2,
      sampleChars: 5,
    });
    const samples: string[] = [];
    const { losses, evals } = await train(config, { events: { sample: (text) => samples.push(text) } });
    // --sample-chars counts characters, though a GPT-2 token is often several.
    expect(samples).toHaveLength(2);
    for (const text of samples) expect(Array.from(text).length).toBeLessThanOrEqual(5);
    expect(Math.abs(losses[0]! - Math.log(50257))).toBeLessThan(0.05);
    expect(Math.max(...losses.slice(-2))).toBeLessThan(losses[0]! - 0.5);
    expect(evals.at(-1)!.valLoss).toBeLessThan(evals[0]!.valLoss - 0.5);
    const meta = readCheckpointMeta(config.outDir);
    expect(meta.tokenizer).toEqual({ type: 'gpt2' });
    expect(meta.modelArgs.vocabSize).toBe(50304);
    expect(meta.modelArgs.gelu).toBe('none');
  });

  it('never samples a pad row, even one whose logit is the largest', async () => {
    const config = tinyRun({ tokenizer: 'gpt2', maxIters: 0, sampleChars: 0 });
    await train(config);
    const { model, tokenizer } = await loadModelDir(config.outDir);
    expect(tokenizer.vocabSize).toBe(50257);
    // Make the pad rows the model's favourites: real rows zero (logit 0), pad rows large (some logits far above 0).
    const wte = model.transformer.wte.weight.data;
    const C = model.config.nEmbd;
    for (let i = 0; i < wte.length; i++) wte[i] = i < 50257 * C ? 0 : 100 * wte[i]!;
    const sample = (sampleableIds?: number) =>
      generate(model, Int32Array.of(198), { maxNewTokens: 20, temperature: 1, rng: new Rng(3), sampleableIds });
    expect(Array.from(await sample()).some((id) => id >= 50257)).toBe(true); // the check can fail
    expect(Array.from(await sample(tokenizer.vocabSize)).every((id) => id < 50257)).toBe(true);
    expect(
      Array.from(
        await generate(model, Int32Array.of(198), {
          maxNewTokens: 5,
          temperature: 0,
          rng: new Rng(3),
          sampleableIds: 50257,
        }),
      ).every((id) => id < 50257),
    ).toBe(true);
  });

  it('splits the parameters: the tied embedding dominates a small model, as does the lm head its work', async () => {
    const config = tinyRun({ tokenizer: 'gpt2', maxIters: 0, sampleChars: 0 });
    await train(config);
    const { model } = await loadModelDir(config.outDir);
    const split = parameterSplit({ model });
    expect(split.embedding).toBe(50304 * 16);
    expect(split.position).toBe(8 * 16);
    expect(split.embedding + split.position + split.blocks).toBe(model.numParams(false));
    expect(split.lmHeadShare).toBeGreaterThan(0.9);
  });
});

describe("nanoGPT's --dataset=shakespeare", () => {
  it('means GPT-2 tokens, as in nanoGPT; shakespeare_char and an explicit --tokenizer keep characters', () => {
    expect(pretrainConfig(['--dataset=shakespeare'])).toMatchObject({ data: 'tinyshakespeare', tokenizer: 'gpt2' });
    expect(pretrainConfig(['--dataset', 'shakespeare'])).toMatchObject({ tokenizer: 'gpt2' });
    expect(pretrainConfig(['--dataset=shakespeare_char'])).toMatchObject({ tokenizer: 'char' });
    expect(pretrainConfig(['--dataset=shakespeare', '--tokenizer', 'char'])).toMatchObject({ tokenizer: 'char' });
    expect(() => pretrainConfig(['--tokenizer', 'bpe'])).toThrow(/--tokenizer/);
  });
});
