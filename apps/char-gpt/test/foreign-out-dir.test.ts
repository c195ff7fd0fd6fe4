// A run never writes over another program's checkpoint: an MNIST network has the same two file names as a char-gpt
// checkpoint (checkpoint.json, model.safetensors), and --overwrite, which starts a run over a run, does not reach it.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { train } from '../src/train.js';
import { scratchDir, tinyRun } from './helpers.js';

describe("an --out-dir holding another program's checkpoint", () => {
  it('is refused with or without --overwrite, untouched', async () => {
    const dir = join(scratchDir(), 'digits');
    mkdirSync(dir);
    const files = { 'checkpoint.json': '{"format":"tinygpt-mnist-mlp/1","epoch":30}', 'model.safetensors': 'w' };
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    for (const overwrite of [false, true]) {
      await expect(train(tinyRun({ outDir: dir, overwrite }))).rejects.toThrow(
        /^--out-dir \S*digits holds another program's checkpoint\.json \(format "tinygpt-mnist-mlp\/1"\); choose a new or empty directory$/,
      );
    }
    for (const [name, text] of Object.entries(files)) expect(readFileSync(join(dir, name), 'utf8')).toBe(text);
  });
});
