// A model's memory from its config, and the refusal, before anything is allocated, of what cannot fit, with ways that do.
import { Rng } from '@tinygpt/autograd';
import { describe, expect, it } from 'vitest';
import { defaults, modelArgs } from '../src/config.js';
import { checkMemory, parameterCount } from '../src/memory.js';
import { Gpt } from '../src/model/gpt.js';
import { train } from '../src/train.js';
import { tinyModel, tinyRun } from './helpers.js';

const GB = 1024 ** 3;

describe('sizes are checked before anything is allocated', () => {
  it('counts parameters as the model has them', () => {
    for (const bias of [true, false]) {
      const config = { ...tinyModel, bias };
      const model = new Gpt(config, { rng: new Rng(0) });
      expect(parameterCount(config)).toBe(model.parameters().reduce((n, p) => n + p.size, 0));
    }
  });

  it.each([
    [{ nLayer: 1e9 }, /needs about .* for weights, gradients and AdamW moments .*more than the/],
    [{ blockSize: 1e12 }, /needs about .*more than the/],
    [{ batchSize: 1e9 }, /of activations for batch 1000000000 × block 8/],
  ])('refuses %o with the figure', (big, message) => {
    expect(() => checkMemory({ ...tinyModel, ...big }, { batchSize: 4, training: true, ...big }, 'this model')).toThrow(
      message,
    );
  });

  it('a run from scratch too big to fit is refused at once, before the model exists', async () => {
    await expect(train(tinyRun({ nLayer: 1e9 }))).rejects.toThrow(/this model needs about/);
  });

  it("offers the split of each step that fits: nanoGPT's GPU defaults in the wasm backend's 4 GB", () => {
    const model = modelArgs(defaults, 65);
    const refusal = () => checkMemory(model, { ...defaults, training: true }, 'this model', 4 * GB);
    expect(refusal).toThrow(
      /--batch-size\), or split each step into micro-batches: --batch-size 32 --grad-accum 2 trains on the same 64 sequences a step$/,
    );
    expect(() => checkMemory(model, { batchSize: 32, training: true }, 'this model', 4 * GB)).not.toThrow();
    // With accumulation already on, the split multiplies it; a model whose weights alone do not fit gets no split.
    expect(() => checkMemory(model, { batchSize: 64, gradAccum: 3, training: true }, 'this model', 2 * GB)).toThrow(
      /--batch-size 8 --grad-accum 24 trains on the same 192 sequences a step$/,
    );
    expect(() => checkMemory(model, { batchSize: 64, training: true }, 'this model', 0.1 * GB)).toThrow(
      /make it smaller \(--n-layer, --n-embd, --block-size, --batch-size\)$/,
    );
  });
});
