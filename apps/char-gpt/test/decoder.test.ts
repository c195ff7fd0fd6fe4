// The sampling forward pass (GptDecoder) against Gpt.forward, bit for bit, and batched sampling against sequential sampling.
import { Rng, cpuBackend, noGrad, setBackend } from '@tinygpt/autograd';
import { afterAll, describe, expect, it } from 'vitest';
import { withBackend } from '@tinygpt/backend-wasm';
import { GptDecoder } from '../src/decoder.js';
import { generate, generateSamples } from '../src/generate.js';
import { Gpt } from '../src/model/gpt.js';
import { tinyModel } from './helpers.js';

afterAll(() => setBackend(cpuBackend));

/** A tiny model with weights scaled by `gain`: large logits, so that any difference in them shows. */
function sharpModel(seed: number, gain = 40): Gpt {
  const model = new Gpt(tinyModel, { rng: new Rng(seed) });
  for (const p of model.parameters()) p.data.forEach((v, i, d) => (d[i] = v * gain));
  model.eval();
  return model;
}

/** The logits (B, V) of each row's last position from model.forward, rows (B, T) row-major. */
function reference(model: Gpt, rows: Int32Array, B: number, T: number): number[] {
  return noGrad(() => model.forward(rows, [B, T], { lastOnly: true }).logits.toArray());
}

const backends = [
  { backend: 'js', threads: 0 },
  { backend: 'wasm', threads: 1 },
  { backend: 'wasm', threads: 2 },
];

describe.each(backends)('GptDecoder on $backend ($threads threads)', (config) => {
  it('gives the logits of a full forward pass at every step, bit for bit, in and past the window', async () => {
    await withBackend(config, async () => {
      const model = sharpModel(3);
      const { blockSize, vocabSize } = model.config;
      const rng = new Rng(9);
      const B = 3;
      const total = blockSize + 4;
      const seqs = Array.from({ length: B }, () => Array.from({ length: total }, () => rng.int(vocabSize)));
      const rows = (from: number, to: number): Int32Array =>
        Int32Array.from(seqs.flatMap((seq) => seq.slice(from, to)));
      const decoder = new GptDecoder(model, B);
      try {
        const prompt = 3;
        expect(Array.from(decoder.forward(rows(0, prompt), prompt))).toEqual(
          reference(model, rows(0, prompt), B, prompt),
        );
        for (let t = prompt; t < blockSize; t++) {
          expect(Array.from(decoder.forward(rows(t, t + 1), 1))).toEqual(reference(model, rows(0, t + 1), B, t + 1));
        }
        expect(decoder.length).toBe(blockSize);
        expect(() => decoder.forward(rows(0, 1), 1)).toThrow(/exceed blockSize/);
        // Past the window: the cropped context recomputed from position 0 (the last block for the last position only).
        for (let end = blockSize + 1; end <= total; end++) {
          decoder.reset();
          const window = rows(end - blockSize, end);
          expect(Array.from(decoder.forward(window, blockSize))).toEqual(reference(model, window, B, blockSize));
        }
      } finally {
        decoder.dispose();
      }
    });
  });

  it('--num-samples as one batch gives the text of sequential sampling, and leaves the generator where it would', async () => {
    await withBackend(config, async () => {
      const model = sharpModel(11, 8); // random enough that the samples differ
      const prompt = Int32Array.of(1, 2, 3);
      for (const [temperature, topK, topP] of [
        [0.9, 5, undefined],
        [1, undefined, 0.8],
        [0, undefined, undefined],
      ] as const) {
        const opts = { maxNewTokens: 3 * model.config.blockSize, temperature, topK, topP };
        const sequentialRng = new Rng(5);
        const sequential: number[][] = [];
        for (let s = 0; s < 4; s++) {
          sequential.push(Array.from(await generate(model, prompt, { ...opts, rng: sequentialRng })));
        }
        const batchRng = new Rng(5);
        const streamed: number[][] = [[], [], [], []];
        const batched = await generateSamples(model, prompt, 4, {
          ...opts,
          rng: batchRng,
          onToken: (s, id) => streamed[s]!.push(id),
        });
        expect(batched.map((ids) => Array.from(ids))).toEqual(sequential);
        expect(streamed).toEqual(sequential);
        expect(batchRng.random()).toBe(sequentialRng.random());
        if (temperature > 0) expect(new Set(sequential.map(String)).size).toBeGreaterThan(1);
      }
    });
  });
});

describe('GptDecoder', () => {
  it('rejects ids that do not fill the batch, ids outside the vocabulary, and a step past blockSize', () => {
    const model = sharpModel(1);
    const decoder = new GptDecoder(model, 2);
    expect(() => decoder.forward(Int32Array.of(1, 2, 3), 2)).toThrow(/do not fill \(2, 2\)/);
    expect(() => decoder.forward(Int32Array.of(1, model.config.vocabSize), 1)).toThrow(/outside/);
    const T = model.config.blockSize + 1;
    expect(() => decoder.forward(new Int32Array(2 * T), T)).toThrow(/exceed blockSize/);
    expect(() => new GptDecoder(model, 0)).toThrow(/batch/);
    decoder.dispose();
  });
});
