// nanoGPT interop: export → read is bit-exact, nanoGPT's own state dicts load, PyTorch's logits are reproduced, and
// the commands take an exchange directory for a checkpoint (malformed directories: interop-malformed.test.ts).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeSafetensors } from '@tinygpt/autograd/safetensors';
import { readCheckpoint } from '../src/checkpoint/checkpoint-files.js';
import type { NamedTensor } from '../src/checkpoint/checkpoint-files.js';
import { loadModel } from '../src/checkpoint/load-model.js';
import { isExchangeDir, loadExchangeModel, readExchangeDir } from '../src/interop/exchange-dir.js';
import { pretrainConfig } from '../src/cli/pretrain-config.js';
import { exportNanoGpt } from '../src/interop/export-nanogpt.js';
import { appDir } from '../src/paths.js';
import { train } from '../src/train.js';
import { scratchDir, tinyRun } from './helpers.js';
import {
  bytesOf,
  copyExchange,
  editConfig,
  editTensors,
  logitsOf,
  renamed,
  trainAndExport,
} from './interop-helpers.js';

let checkpoint: string; // a trained char-gpt checkpoint, bias=True (so attn.c_attn.bias exists beside the mask buffers' names)
let exchange: string; // its export
beforeAll(async () => ({ checkpoint, exchange } = await trainAndExport()));
/** A copy of the exported exchange directory to damage. */
const copy = (): string => copyExchange(exchange);

describe('export → read round trip', () => {
  it('writes exactly model.safetensors (float32, nanoGPT names, lm_head tied) and config.json (args, tokenizer, chars)', () => {
    expect(readdirSync(exchange).sort()).toEqual(['config.json', 'model.safetensors']);
    const { meta } = readCheckpoint(checkpoint, { optimizer: false });
    const config = JSON.parse(readFileSync(join(exchange, 'config.json'), 'utf8')) as Record<string, unknown>;
    const { nLayer, nHead, nEmbd, blockSize, vocabSize, bias, dropout } = meta.modelArgs;
    expect(config).toEqual({
      n_layer: nLayer,
      n_head: nHead,
      n_embd: nEmbd,
      block_size: blockSize,
      vocab_size: vocabSize,
      bias,
      dropout,
      tokenizer: 'char',
      chars: (meta.tokenizer as { chars: string[] }).chars,
    });
    const bytes = new Uint8Array(readFileSync(join(exchange, 'model.safetensors')));
    const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Record<
      string,
      { dtype?: string }
    >;
    const names = Object.keys(header).filter((name) => name !== '__metadata__');
    expect(names).toContain('transformer.h.0.attn.c_attn.bias');
    expect(names).toContain('transformer.h.1.mlp.c_fc.weight');
    expect(names).toContain('lm_head.weight');
    expect(names.every((name) => header[name]!.dtype === 'F32')).toBe(true);
    const { tensors } = decodeSafetensors(bytes);
    expect(tensors['transformer.h.0.attn.c_attn.weight']!.shape).toEqual([3 * nEmbd, nEmbd]); // (out, in)
    expect(bytesOf(tensors['lm_head.weight']!)).toEqual(bytesOf(tensors['transformer.wte.weight']!));
  });

  it('reads back bit for bit: the same tensors, model args and vocabulary as the checkpoint', () => {
    const { meta, model } = readCheckpoint(checkpoint, { optimizer: false });
    const read = readExchangeDir(exchange);
    expect(read.config).toEqual(meta.modelArgs);
    expect(read.tokenizer).toEqual(meta.tokenizer);
    expect(Object.keys(read.weights).sort()).toEqual(Object.keys(model).sort());
    for (const [name, t] of Object.entries(model)) {
      expect(read.weights[name]!.shape, name).toEqual(t.shape);
      expect(bytesOf(read.weights[name]!), name).toEqual(bytesOf(t));
    }
  });

  it('the exchange directory loaded into a Gpt gives the same logits as the checkpoint', async () => {
    const original = await loadModel(checkpoint);
    const loaded = await loadExchangeModel(exchange);
    const ids = original.tokenizer.encode('the cat'); // blockSize 8
    expect(loaded.tokenizer.toJSON()).toEqual(original.tokenizer.toJSON());
    expect(loaded.model.training).toBe(false);
    expect(logitsOf(loaded.model, ids)).toEqual(logitsOf(original.model, ids));
  });

  it('tells an exchange directory from a checkpoint', () => {
    expect(isExchangeDir(exchange)).toBe(true);
    expect(isExchangeDir(checkpoint)).toBe(false);
  });

  it('replaces an earlier export, and refuses a directory holding other files', async () => {
    const dir = copy();
    editConfig(dir, (config) => (config.dropout = 0.5));
    await exportNanoGpt(checkpoint, dir);
    expect(readFileSync(join(dir, 'config.json'))).toEqual(readFileSync(join(exchange, 'config.json')));
    expect(readdirSync(join(dir, '..')).filter((name) => name.includes('.export-'))).toEqual([]); // no staging left behind
    await expect(exportNanoGpt(checkpoint, checkpoint)).rejects.toThrow(
      /holds files that are not part of an exchange directory \(checkpoint\.json/,
    );
    expect(existsSync(join(checkpoint, 'checkpoint.json'))).toBe(true);
  });
});

describe('what real nanoGPT checkpoints hold', () => {
  const original = (): Record<string, NamedTensor> => readExchangeDir(exchange).weights;

  it("strips torch.compile's _orig_mod. prefix", () => {
    const dir = copy();
    editTensors(dir, (t) => renamed(t, (name) => `_orig_mod.${name}`));
    const { weights } = readExchangeDir(dir);
    for (const [name, t] of Object.entries(original())) expect(bytesOf(weights[name]!), name).toEqual(bytesOf(t));
  });

  it('drops the causal-mask buffers attn.bias (1, 1, T, T) and keeps the real attn.c_attn.bias and attn.c_proj.bias', () => {
    const dir = copy();
    const T = 8;
    const mask = {
      shape: [1, 1, T, T],
      data: Float32Array.from({ length: T * T }, (_, i) => (i % T <= Math.floor(i / T) ? 1 : 0)),
    };
    editTensors(dir, (t) => ({ ...t, 'transformer.h.0.attn.bias': mask, 'transformer.h.1.attn.bias': mask }));
    const { weights } = readExchangeDir(dir);
    expect(Object.keys(weights)).not.toContain('transformer.h.0.attn.bias');
    expect(Object.keys(weights).sort()).toEqual(Object.keys(original()).sort());
    for (const name of ['transformer.h.0.attn.c_attn.bias', 'transformer.h.1.attn.c_proj.bias']) {
      expect(bytesOf(weights[name]!), name).toEqual(bytesOf(original()[name]!));
    }
  });

  it('refuses a mask buffer of the wrong block size', () => {
    const dir = copy();
    editTensors(dir, (t) => ({
      ...t,
      'transformer.h.0.attn.bias': { shape: [1, 1, 4, 4], data: new Float32Array(16) },
    }));
    expect(() => readExchangeDir(dir)).toThrow(
      '"transformer.h.0.attn.bias" has shape (1, 1, 4, 4), ' +
        "but nanoGPT's causal-mask buffer is (1, 1, block_size, block_size) = (1, 1, 8, 8)",
    );
  });

  it.each(['lm_head.weight', 'transformer.wte.weight'])(
    'accepts the tied pair with only one name present (%s dropped)',
    (dropped) => {
      const dir = copy();
      editTensors(dir, (t) => Object.fromEntries(Object.entries(t).filter(([name]) => name !== dropped)));
      const { weights } = readExchangeDir(dir);
      expect(bytesOf(weights['transformer.wte.weight']!)).toEqual(bytesOf(original()['transformer.wte.weight']!));
      expect(bytesOf(weights['lm_head.weight']!)).toEqual(bytesOf(original()['transformer.wte.weight']!));
    },
  );
});

describe('a model trained in PyTorch (tools/nanogpt/make_nanogpt_fixture.py)', () => {
  const fixture = new URL('./fixtures/parity/from-nanogpt/', import.meta.url);
  const expected = JSON.parse(readFileSync(new URL('logits.json', fixture), 'utf8')) as {
    prompt: string;
    ids: number[];
    logits: number[][];
  };

  it.each([
    ['exchange', 'converted by export_from_nanogpt.py'],
    ['state-dict', "nanoGPT's raw state dict: _orig_mod. names, mask buffers, lm_head and wte"],
  ])("%s/ (%s) gives PyTorch's logits to 1e-4 relative", async (name) => {
    const { model, tokenizer, config } = await loadExchangeModel(new URL(name, fixture).pathname);
    expect(config.bias).toBe(false);
    const ids = tokenizer.encode(expected.prompt); // accented and astral characters, as nanoGPT's chars
    expect(Array.from(ids)).toEqual(expected.ids);
    const logits = logitsOf(model, ids);
    const reference = expected.logits.flat();
    const rms = Math.sqrt(reference.reduce((s, v) => s + v * v, 0) / reference.length);
    const worst = Math.max(...reference.map((b, i) => Math.abs(logits[i]! - b) / Math.max(Math.abs(b), rms)));
    expect(logits.length).toBe(reference.length);
    expect(worst).toBeLessThan(1e-4);
  });
});

describe('pnpm export', () => {
  /** Runs src/cli/export.ts as the package script does, from the user's directory `cwd`. */
  function run(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', '--conditions=@tinygpt/source', 'src/cli/export.ts', ...args],
        {
          cwd: appDir,
          env: { ...process.env, INIT_CWD: cwd, TINYGPT_DEBUG: '' },
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  it('writes the exchange directory, with paths from where the user typed the command', async () => {
    const user = join(checkpoint, '..');
    const { code, stdout, stderr } = await run(['--checkpoint', 'run', '--out', 'exported'], user);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(
      new RegExp(
        String.raw`^wrote .*exported: model\.safetensors \(\d+ tensors, [\d,]+ parameters, [\d,]+ bytes\) and ` +
          String.raw`config\.json \(n_layer 2, n_head 2, n_embd 16, block_size 8, vocab_size \d+, bias true, ` +
          String.raw`tokenizer char\)\n$`,
      ),
    );
    expect(readFileSync(join(user, 'exported', 'model.safetensors'))).toEqual(
      readFileSync(join(exchange, 'model.safetensors')),
    );
  });

  it.each([
    [['--out', 'x'], /^error: --checkpoint DIR is required/, 2],
    [['--checkpoint', 'run'], /^error: --out EXDIR is required/, 2],
    [
      ['--checkpoint', 'nowhere', '--out', 'x'],
      /^error: no checkpoint at .*nowhere: the directory does not exist\n$/,
      1,
    ],
  ])('%j is one error line', async (args, message, exitCode) => {
    const { code, stderr } = await run(args, join(checkpoint, '..'));
    expect(code).toBe(exitCode);
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('an exchange directory where a char-gpt checkpoint is expected', () => {
  it('pnpm generate and pnpm eval read it with --checkpoint EXDIR and agree with the checkpoint', async () => {
    const user = join(checkpoint, '..');
    const command = (name: string, args: string[]): Promise<string> =>
      new Promise((resolve, reject) => {
        const child = spawn(
          process.execPath,
          ['--import', 'tsx', '--conditions=@tinygpt/source', `src/cli/${name}.ts`, ...args],
          {
            cwd: appDir,
            env: { ...process.env, INIT_CWD: user, TINYGPT_DEBUG: '' },
          },
        );
        let stdout = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.on('error', reject);
        child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`${name} exited with ${code}`))));
      });
    const sample = ['--prompt', 'the', '--max-new-tokens', '20', '--temperature', '0'];
    expect(await command('generate', ['--checkpoint', exchange, ...sample])).toBe(
      await command('generate', ['--checkpoint', checkpoint, ...sample]),
    );
    const score = ['--data', tinyRun().data, '--json'];
    expect(await command('eval', ['--checkpoint', exchange, ...score])).toBe(
      await command('eval', ['--checkpoint', checkpoint, ...score]),
    );
  });

  it('pnpm pretrain --init-from EXDIR takes the shape from it, and refuses a flag that contradicts it', () => {
    const config = pretrainConfig(['--init-from', exchange, '--out-dir', join(scratchDir(), 'tuned')])!;
    expect(config.initFrom).toBe(exchange);
    expect([config.nLayer, config.nHead, config.nEmbd, config.blockSize, config.bias]).toEqual([2, 2, 16, 8, true]);
    expect(() => pretrainConfig(['--init-from', exchange, '--n-layer', '4'])).toThrow(
      /--n-layer 4 differs from the model in .*exchange \(2\); --init-from takes the model's shape from it/,
    );
  });

  it('a run started from it begins with its weights and vocabulary, a fresh optimizer and iteration 0', async () => {
    const config = tinyRun({ initFrom: exchange, maxIters: 0, bias: true });
    await train(config);
    const saved = readCheckpoint(config.outDir);
    const { weights, tokenizer } = readExchangeDir(exchange);
    expect(saved.meta.iter).toBe(0);
    expect(saved.meta.tokenizer).toEqual(tokenizer);
    for (const [name, t] of Object.entries(weights)) expect(bytesOf(saved.model[name]!), name).toEqual(bytesOf(t));
    expect(Object.values(saved.optimizer).every((t) => t.data.every((v) => v === 0))).toBe(true);
  });
});
