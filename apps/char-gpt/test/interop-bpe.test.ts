// nanoGPT interop of a GPT-2-token model: export → read and export --run → adopt are bit-exact with the same logits,
// config.json says "tokenizer": "gpt2", --init-from crops the context as nanoGPT does, and (with torch) nanoGPT's GPT
// in PyTorch gives the same logits.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { noGrad } from '@tinygpt/autograd';
import { pretrainConfig } from '../src/cli/pretrain-config.js';
import { readCheckpoint } from '../src/checkpoint/checkpoint-files.js';
import type { NamedTensor } from '../src/checkpoint/checkpoint-files.js';
import { loadModel } from '../src/checkpoint/load-model.js';
import { adoptRun } from '../src/interop/adopt-run.js';
import { parseExchangeConfig } from '../src/interop/exchange-config.js';
import { loadExchangeModel, readExchangeDir } from '../src/interop/exchange-dir.js';
import { exportNanoGpt } from '../src/interop/export-nanogpt.js';
import { exportRun } from '../src/interop/export-run.js';
import { HANDOVER_FILES, readHandoverDir } from '../src/interop/handover-dir.js';
import { loadModelDir, modelDirTokenizer } from '../src/interop/model-dir.js';
import type { Gpt } from '../src/model/gpt.js';
import { train } from '../src/train.js';
import { findPython, scratchDir, tinyRun } from './helpers.js';

/** A prompt whose GPT-2 tokens split multi-byte characters (é, —, 😀). */
const PROMPT = 'Call me Ishmael — café 😀';

let checkpoint: string; // a tiny GPT-2-token run (vocabulary 50,304), biases on
let exchange: string; // its pnpm export

beforeAll(async () => {
  const config = tinyRun({ tokenizer: 'gpt2', maxIters: 3, evalInterval: 3, bias: true, sampleChars: 0 });
  await train(config);
  checkpoint = config.outDir;
  exchange = join(scratchDir(), 'exchange');
  await exportNanoGpt(checkpoint, exchange);
});

function bytesOf(t: NamedTensor): Buffer {
  return Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}

function expectSameBits(actual: Record<string, NamedTensor>, expected: Record<string, NamedTensor>): void {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const [name, t] of Object.entries(expected)) {
    expect([...actual[name]!.shape], name).toEqual([...t.shape]);
    expect(bytesOf(actual[name]!).equals(bytesOf(t)), `${name} differs`).toBe(true);
  }
}

/** Logits (1, T, V) of `model` at every position of `ids`. */
function logitsOf(model: Gpt, ids: Int32Array): Float32Array {
  return noGrad(() => model.forward(ids, [1, ids.length]).logits.data.slice());
}

describe('pnpm export of a GPT-2-token checkpoint', () => {
  it('writes config.json with "tokenizer": "gpt2", the padded vocab_size and no chars', () => {
    const config = JSON.parse(readFileSync(join(exchange, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config).toMatchObject({ tokenizer: 'gpt2', vocab_size: 50304, n_layer: 2, n_embd: 16, bias: true });
    expect(config).not.toHaveProperty('chars');
  });

  it('reads back bit for bit: tensors, model args and tokenizer', () => {
    const { meta, model } = readCheckpoint(checkpoint, { optimizer: false });
    const read = readExchangeDir(exchange);
    expect(read.tokenizer).toEqual({ type: 'gpt2' });
    expect(read.config).toEqual(meta.modelArgs);
    expectSameBits(read.weights, model);
  });

  it("loads with GPT-2's tokenizer and gives the checkpoint's logits exactly", async () => {
    const original = await loadModel(checkpoint);
    const loaded = await loadExchangeModel(exchange);
    expect(loaded.tokenizer.toJSON()).toEqual({ type: 'gpt2' });
    expect(loaded.tokenizer.vocabSize).toBe(50257);
    const ids = loaded.tokenizer.encode(PROMPT).slice(-8); // blockSize 8
    expect(logitsOf(loaded.model, ids)).toEqual(logitsOf(original.model, ids));
    expect(modelDirTokenizer(exchange)).toBe('gpt2');
    expect((await loadModelDir(exchange)).tokenizer.toJSON()).toEqual({ type: 'gpt2' });
  });

  it('a run started from it (--init-from) keeps its weights and GPT-2 tokenizer', async () => {
    const config = tinyRun({ initFrom: exchange, tokenizer: 'gpt2', maxIters: 0, bias: true, sampleChars: 0 });
    await train(config);
    const saved = readCheckpoint(config.outDir);
    expect(saved.meta.tokenizer).toEqual({ type: 'gpt2' });
    expect(saved.meta.modelArgs.vocabSize).toBe(50304);
    const { weights } = readExchangeDir(exchange);
    for (const [name, t] of Object.entries(saved.model))
      expect(bytesOf(t).equals(bytesOf(weights[name]!)), name).toBe(true);
  });

  it.each([
    ['"chars" beside "tokenizer": "gpt2"', { tokenizer: 'gpt2', chars: ['a'] }, /"chars" goes with a character model/],
    ['a GPT-2 vocab_size below 50,257', { tokenizer: 'gpt2', vocab_size: 50000 }, /below the 50,257 tokens/],
    ['an unknown tokenizer', { tokenizer: 'bpe' }, /"tokenizer" must be "char" or "gpt2", got "bpe"/],
    ['a padded vocabulary with chars', { vocab_size: 50304, chars: ['a', 'b'] }, /needs "tokenizer": "gpt2"/],
  ])('refuses %s', (_, edit, message) => {
    const base = { n_layer: 1, n_head: 1, n_embd: 4, block_size: 4, vocab_size: 50304, bias: false };
    expect(() => parseExchangeConfig({ ...base, ...edit }, 'config.json')).toThrow(message);
  });
});

describe('pnpm export --run of a GPT-2-token run and the way back, without torch', () => {
  let handover: string;
  beforeAll(async () => {
    handover = join(scratchDir(), 'handover');
    await exportRun(checkpoint, handover, { dataset: 'tiny' });
  });

  it("writes no meta.json (nanoGPT then uses tiktoken's gpt2, as for data/shakespeare), and uint16 ids of GPT-2 tokens", () => {
    const data = join(handover, 'nanogpt', 'data', 'tiny');
    expect(existsSync(join(data, 'train.bin'))).toBe(true);
    expect(existsSync(join(data, 'meta.json'))).toBe(false);
    const train = readFileSync(join(data, 'train.bin'));
    const ids = Array.from({ length: train.length / 2 }, (_, i) => train.readUInt16LE(2 * i));
    expect(Math.max(...ids)).toBeGreaterThan(255); // BPE merges, not bytes or characters
    expect(Math.max(...ids)).toBeLessThan(50257);
    expect(readHandoverDir(handover).tokenizer).toEqual({ type: 'gpt2' });
  });

  it('adoption gives back the same checkpoint bit for bit, GPT-2 tokenizer included', () => {
    const before = readCheckpoint(checkpoint);
    const dir = join(scratchDir(), 'adopted');
    mkdirSync(dir);
    for (const name of HANDOVER_FILES) cpSync(join(handover, name), join(dir, name));
    adoptRun(dir);
    const after = readCheckpoint(dir);
    expectSameBits(after.model, before.model);
    expectSameBits(after.optimizer, before.optimizer);
    expect(after.meta.tokenizer).toEqual({ type: 'gpt2' });
    expect(after.meta.config.tokenizer).toBe('gpt2');
    expect(after.meta.modelArgs).toEqual(before.meta.modelArgs);
  });
});

// A Python with torch (see findPython).
const PYTHON = findPython('torch');
if (!PYTHON) console.warn('interop-bpe.test.ts: the PyTorch tests skipped: no python3 with torch here (set PYTHON)');
const TOOLS = new URL('../tools/nanogpt/', import.meta.url).pathname;

/** Runs a tools/nanogpt script; its stdout, or the test fails with its output. */
function python(args: string[], cwd?: string): string {
  const out = spawnSync(PYTHON!, args, { cwd, encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
  if (out.status !== 0) throw new Error(`${args.join(' ')} failed (${out.status}):\n${out.stdout}\n${out.stderr}`);
  return out.stdout;
}

/** The largest relative difference load_in_pytorch.py --compare printed. */
function maxRelative(stdout: string): number {
  const match = /tinygpt vs PyTorch: max \|difference\| \S+ over (\d+) logits \(max relative (\S+)\)/.exec(stdout);
  if (!match) throw new Error(`no comparison in:\n${stdout}`);
  expect(Number(match[1])).toBeGreaterThan(50304); // every position's full row
  return Number(match[2]);
}

describe.skipIf(!PYTHON)("nanoGPT's GPT in PyTorch and a GPT-2-token model", () => {
  let ours: string; // our logits for PROMPT, as tools/nanogpt/logits.ts writes them
  let nanogpt: string; // the handover's nanogpt/ tree, with ckpt.pt from to_nanogpt_run.py

  beforeAll(async () => {
    const { model, tokenizer } = await loadModelDir(checkpoint);
    const ids = tokenizer.encode(PROMPT).slice(0, 8); // blockSize 8
    const V = model.config.vocabSize;
    const data = logitsOf(model, ids);
    const logits = Array.from({ length: ids.length }, (_, t) => Array.from(data.subarray(t * V, (t + 1) * V)));
    ours = join(scratchDir(), 'ours.json');
    writeFileSync(ours, JSON.stringify({ prompt: tokenizer.decode(ids), ids: Array.from(ids), logits }));
    const handover = join(scratchDir(), 'handover');
    await exportRun(checkpoint, handover, { dataset: 'tiny' });
    python([join(TOOLS, 'to_nanogpt_run.py'), handover]);
    nanogpt = join(handover, 'nanogpt');
  });

  it('load_in_pytorch.py loads the exchange directory strictly and gives our logits to 1e-4', () => {
    const prompt = (JSON.parse(readFileSync(ours, 'utf8')) as { prompt: string }).prompt;
    const out = python([join(TOOLS, 'load_in_pytorch.py'), exchange, '--prompt', prompt, '--compare', ours]);
    expect(out).toContain('load_state_dict(strict=True)');
    expect(out).toMatch(/tokens \(gpt2\); logits \(\d+, 50304\)/);
    expect(maxRelative(out)).toBeLessThan(1e-4);
  });

  it("nanoGPT's ckpt.pt without meta.pkl is read as GPT-2 tokens, as sample.py reads it, with our logits", () => {
    expect(existsSync(join(nanogpt, 'out-tiny', 'ckpt.pt'))).toBe(true);
    expect(existsSync(join(nanogpt, 'data', 'tiny', 'meta.pkl'))).toBe(false);
    const prompt = (JSON.parse(readFileSync(ours, 'utf8')) as { prompt: string }).prompt;
    const out = python(
      [join(TOOLS, 'load_in_pytorch.py'), join('out-tiny', 'ckpt.pt'), '--prompt', prompt, '--compare', ours],
      nanogpt,
    );
    expect(out).toContain('assuming GPT-2 encodings');
    expect(maxRelative(out)).toBeLessThan(1e-4);
  });

  it('from_nanogpt_run.py brings the ckpt.pt back: the same weights, moments and tokenizer', () => {
    const back = join(scratchDir(), 'back');
    python([join(TOOLS, 'from_nanogpt_run.py'), '--ckpt', join('out-tiny', 'ckpt.pt'), '--out', back], nanogpt);
    expect(readHandoverDir(back).tokenizer).toEqual({ type: 'gpt2' });
    const before = readCheckpoint(checkpoint);
    adoptRun(back);
    const after = readCheckpoint(back);
    expectSameBits(after.model, before.model);
    expectSameBits(after.optimizer, before.optimizer);
    expect(after.meta.tokenizer).toEqual({ type: 'gpt2' });
  });
});

describe('--init-from with a shorter --block-size', () => {
  it("crops the position embedding, as nanoGPT's crop_block_size: the same logits over the shorter context", async () => {
    expect(pretrainConfig(['--init-from', exchange, '--block-size', '4'])?.blockSize).toBe(4);
    expect(() => pretrainConfig(['--init-from', exchange, '--block-size', '16'])).toThrow(
      /--block-size 16 differs from the model in .* \(8\); --init-from takes the model's shape from it \(a smaller --block-size crops it\)/,
    );
    const config = tinyRun({
      initFrom: exchange,
      tokenizer: 'gpt2',
      blockSize: 4,
      maxIters: 0,
      bias: true,
      sampleChars: 0,
    });
    await train(config);
    const cropped = await loadModel(config.outDir);
    expect(cropped.model.config.blockSize).toBe(4);
    expect(cropped.model.transformer.wpe.weight.shape).toEqual([4, 16]);
    const { model } = await loadExchangeModel(exchange);
    const ids = cropped.tokenizer.encode(PROMPT).slice(0, 4);
    expect(logitsOf(cropped.model, ids)).toEqual(logitsOf(model, ids));
  });
});
