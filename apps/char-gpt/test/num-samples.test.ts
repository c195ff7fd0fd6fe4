// `generate --num-samples N` as a user runs it: N samples, batched (and split over batches), with the text of N samples in a row.
import { spawnSync } from 'node:child_process';
import { Rng } from '@tinygpt/autograd';
import { describe, expect, it } from 'vitest';
import { generate, samplesPerBatch } from '../src/generate.js';
import { loadModelDir } from '../src/interop/model-dir.js';
import { appDir } from '../src/paths.js';
import { trainedCheckpoint } from './helpers.js';

const checkpoint = trainedCheckpoint();

describe('generate --num-samples', () => {
  it('prints the samples that one generator gives one after another, across more than one batch', async () => {
    const dir = checkpoint.dir();
    const { model, tokenizer } = await loadModelDir(dir);
    const n = samplesPerBatch(model.config) + 1; // one full batch and one more
    const prompt = 'the ';
    const maxNewTokens = 2 * model.config.blockSize; // inside the window, then past it
    const args = ['--checkpoint', dir, '--prompt', prompt, '--max-new-tokens', String(maxNewTokens)];
    const options = ['--temperature', '1', '--top-k', '5', '--seed', '7', '--backend', 'js'];
    const child = spawnSync(process.execPath, ['bin/generate.mjs', ...args, ...options, '--num-samples', String(n)], {
      cwd: appDir,
      encoding: 'utf8',
      env: { ...process.env, TINYGPT_BACKEND: '' },
    });
    expect(child.status, child.stderr).toBe(0);

    const rng = new Rng(7);
    const sequential: string[] = [];
    for (let s = 0; s < n; s++) {
      const ids = await generate(model, tokenizer.encode(prompt), {
        maxNewTokens,
        temperature: 1,
        topK: 5,
        rng,
        sampleableIds: tokenizer.vocabSize,
      });
      sequential.push(prompt + tokenizer.decode(ids));
    }
    expect(new Set(sequential).size).toBeGreaterThan(n / 2); // the samples differ: each drew its own numbers
    expect(child.stdout).toBe(`${sequential.join('\n---------------\n')}\n`);
  });
});
