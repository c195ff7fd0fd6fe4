// Checkpoints: round trip, refusal of truncated or corrupt files with one clear message, recovery from an interrupted directory swap.
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliError, recoverDirSwap, replaceDirAtomic, sha256Hex as nodeSha256Hex } from '@tinygpt/cli-kit';
import { readCheckpoint } from '../src/checkpoint/checkpoint-files.js';
import { encodeCheckpoint } from '../src/checkpoint/encode.js';
import { CheckpointError, RUN_FILES, sha256Hex } from '../src/checkpoint/format.js';
import { loadModel } from '../src/checkpoint/load-model.js';
import { train } from '../src/train.js';
import { scratchDir, tinyRun, trainedCheckpoint } from './helpers.js';

const { dir: savedDir, copy } = trainedCheckpoint(); // a copy() is a fresh copy of the saved checkpoint to damage

describe('checkpoint', () => {
  it('round-trips: the loaded model has the saved weights, names as nanoGPT, lm_head stored too', async () => {
    const { model, tokenizer, meta } = await loadModel(savedDir());
    const { model: tensors } = readCheckpoint(savedDir());
    expect(tensors['transformer.h.0.attn.c_attn.weight']!.shape).toEqual([48, 16]);
    expect(tensors['lm_head.weight']!.data).toEqual(tensors['transformer.wte.weight']!.data);
    expect(model.transformer.h[1]!.mlp.cFc.weight.data).toEqual(tensors['transformer.h.1.mlp.c_fc.weight']!.data);
    expect(tokenizer.vocabSize).toBe(meta.modelArgs.vocabSize);
    expect(model.training).toBe(false);
  });

  it("Node's SHA-256 and the portable one the browser uses give the same digests and the same checkpoint bytes", () => {
    for (const length of [0, 3, 55, 56, 64, 1000, 1 << 20]) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 2654435761) >>> 24);
      expect(nodeSha256Hex(bytes), `${length} bytes`).toBe(sha256Hex(bytes));
    }
    expect(nodeSha256Hex(new TextEncoder().encode('abc'))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    const { meta, model, optimizer } = readCheckpoint(savedDir());
    const parts = { meta, model, optimizer };
    const inBrowser = encodeCheckpoint(parts, 'the browser');
    const onNode = encodeCheckpoint(parts, savedDir(), nodeSha256Hex);
    expect(new TextDecoder().decode(onNode['checkpoint.json'])).toBe(
      new TextDecoder().decode(inBrowser['checkpoint.json']),
    );
    expect(onNode['checkpoint.json']).toEqual(new Uint8Array(readFileSync(join(savedDir(), 'checkpoint.json'))));
  });

  it.each([
    [
      'model.safetensors truncated',
      (dir: string) => truncateSync(join(dir, 'model.safetensors'), 100),
      /model\.safetensors is damaged: 100 bytes, but checkpoint\.json says \d+ \(truncated\?\)/,
    ],
    [
      'a flipped byte in the weights',
      (dir: string) => flipByte(join(dir, 'optimizer.safetensors')),
      /optimizer\.safetensors is damaged: its SHA-256 does not match/,
    ],
    [
      'checkpoint.json truncated',
      (dir: string) => truncateSync(join(dir, 'checkpoint.json'), 40),
      /checkpoint\.json is damaged: it is not valid JSON/,
    ],
    [
      'checkpoint.json of another program',
      (dir: string) => writeFileSync(join(dir, 'checkpoint.json'), '{"iter": 3}'),
      /not a usable char-gpt checkpoint: "format" is undefined/,
    ],
    [
      'a missing weight file',
      (dir: string) => renameSync(join(dir, 'model.safetensors'), join(dir, 'x')),
      /incomplete: model\.safetensors is missing/,
    ],
  ])('refuses %s with one clear message', (_, damage, message) => {
    const dir = copy();
    damage(dir);
    expect(() => readCheckpoint(dir)).toThrow(CheckpointError);
    expect(() => readCheckpoint(dir)).toThrow(message);
  });

  it('says so when there is no checkpoint at all', () => {
    expect(() => readCheckpoint(join(scratchDir(), 'nothing'))).toThrow(
      /no checkpoint at .*nothing: the directory does not exist/,
    );
  });

  it('names what a directory is instead, and how to get a checkpoint from it', () => {
    const nanoGpt = join(scratchDir(), 'out-shakespeare-char');
    mkdirSync(nanoGpt);
    writeFileSync(join(nanoGpt, 'ckpt.pt'), 'not read');
    expect(() => readCheckpoint(nanoGpt)).toThrow(
      /is a nanoGPT run \(ckpt\.pt.*from_nanogpt_run\.py --ckpt .*ckpt\.pt --out/,
    );
    const hf = join(scratchDir(), 'gpt2');
    mkdirSync(hf);
    writeFileSync(join(hf, 'config.json'), '{"model_type": "gpt2"}');
    expect(() => readCheckpoint(hf)).toThrow(/is a Hugging Face GPT-2 directory \(config\.json, no checkpoint\.json\)/);
    const exchange = join(scratchDir(), 'exchange');
    mkdirSync(exchange);
    writeFileSync(join(exchange, 'config.json'), '{"block_size": 8}');
    expect(() => readCheckpoint(exchange)).toThrow(/is an exchange directory/);
  });

  it.each(['gpt2', 'gpt2-xl', 'openai-community/gpt2-medium'])(
    'tells how to download %s when a published GPT-2 is named instead of a directory',
    (name) => {
      const model = name.replace('openai-community/', '');
      expect(() => readCheckpoint(join(scratchDir(), name))).toThrow(
        `huggingface-cli download openai-community/${model} config.json model.safetensors --local-dir models/${model}`,
      );
    },
  );

  it('gives no download hint for other missing directories', () => {
    expect(() => readCheckpoint(join(scratchDir(), 'gpt2-runs'))).toThrow(/does not exist$/);
  });
});

function flipByte(path: string): void {
  const bytes = readFileSync(path);
  bytes[bytes.length - 3]! ^= 0xff;
  writeFileSync(path, bytes);
}

const recoverDir = (dir: string): void => recoverDirSwap(dir, RUN_FILES);
const replaceDirFiles = (dir: string, files: Record<string, string>, carry: string[] = []): void =>
  replaceDirAtomic(dir, files, { carry, owned: RUN_FILES });

describe('atomic directory swap', () => {
  const files = (dir: string): Record<string, string> =>
    Object.fromEntries(
      ['checkpoint.json', 'log.csv']
        .filter((f) => existsSync(join(dir, f)))
        .map((f) => [f, readFileSync(join(dir, f), 'utf8')]),
    );

  it('replaces the files and carries log.csv over', () => {
    const dir = join(scratchDir(), 'out');
    replaceDirFiles(dir, { 'checkpoint.json': 'old' });
    writeFileSync(join(dir, 'log.csv'), 'iter\n1\n');
    replaceDirFiles(dir, { 'checkpoint.json': 'new' }, ['log.csv']);
    expect(files(dir)).toEqual({ 'checkpoint.json': 'new', 'log.csv': 'iter\n1\n' });
    expect(existsSync(`${dir}.next`) || existsSync(`${dir}.prev`)).toBe(false);
  });

  it('recovers from a crash at every point of the swap', () => {
    const setup = (stage: 'writing' | 'retired' | 'swapped'): string => {
      const dir = join(scratchDir(), 'out');
      replaceDirFiles(dir, { 'checkpoint.json': 'old' });
      mkdirSync(`${dir}.next`);
      writeFileSync(join(`${dir}.next`, 'checkpoint.json'), stage === 'writing' ? 'half' : 'new');
      if (stage !== 'writing') renameSync(dir, `${dir}.prev`); // old contents retired
      if (stage === 'swapped') renameSync(`${dir}.next`, dir); // new contents in place, old not yet removed
      return dir;
    };
    const crashedWhileWriting = setup('writing');
    recoverDir(crashedWhileWriting);
    expect(files(crashedWhileWriting)).toEqual({ 'checkpoint.json': 'old' });
    const crashedBetweenRenames = setup('retired');
    recoverDir(crashedBetweenRenames);
    expect(files(crashedBetweenRenames)).toEqual({ 'checkpoint.json': 'new' });
    const crashedBeforeCleanup = setup('swapped');
    recoverDir(crashedBeforeCleanup);
    expect(files(crashedBeforeCleanup)).toEqual({ 'checkpoint.json': 'new' });
    for (const dir of [crashedWhileWriting, crashedBetweenRenames, crashedBeforeCleanup]) {
      expect(existsSync(`${dir}.next`) || existsSync(`${dir}.prev`)).toBe(false);
    }
  });

  it('a reader finds the last complete checkpoint after a crash between the renames', () => {
    const dir = copy();
    renameSync(dir, `${dir}.prev`);
    cpSync(`${dir}.prev`, `${dir}.next`, { recursive: true });
    expect(readCheckpoint(dir).meta.iter).toBe(3);
  });

  it('a checkpoint that cannot be written stops the run with one sentence, and the last good one stays', async () => {
    const config = tinyRun({ maxIters: 4, evalInterval: 2 });
    // After the first checkpoint, a file where the next one is staged: the write is refused.
    const blocked = train(config, {
      events: {
        checkpoint: ({ iter }) => void (iter === 0 && writeFileSync(`${resolve(config.outDir)}.next`, '')),
      },
    });
    await expect(blocked).rejects.toThrow(CliError);
    const kept = 'the checkpoint of iteration 2 was not saved, and the one of iteration 0 there is unchanged';
    await expect(blocked).rejects.toThrow(
      new RegExp(
        `^\\S*run\\.next is in the way \\(a file where a directory is staged while it is replaced\\); move or remove it; ${kept}$`,
      ),
    );
    expect(readCheckpoint(config.outDir).meta.iter).toBe(0);
  });
});
