// Run handover to nanoGPT and back: export → adopt is bit-exact, the committed torch fixture (and, where torch is present,
// one made now) round-trips bit for bit in nanoGPT's layout, bad handovers are one clear error.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CliError } from '@tinygpt/cli-kit';
import { readCheckpoint } from '../src/checkpoint/checkpoint-files.js';
import type { NamedTensor } from '../src/checkpoint/checkpoint-files.js';
import { CheckpointError } from '../src/checkpoint/format.js';
import { pretrainConfig } from '../src/cli/pretrain-config.js';
import { CharTokenizer } from '@tinygpt/tokenizer';
import { splitIds } from '../src/data.js';
import { adoptRun } from '../src/interop/adopt-run.js';
import { datasetDirName, exportRun, torchrunFlags } from '../src/interop/export-run.js';
import { loadModelDir } from '../src/interop/model-dir.js';
import { HANDOVER_FILES, isHandoverDir, readHandoverDir, writeHandoverDir } from '../src/interop/handover-dir.js';
import type { RunJson } from '../src/interop/run-json.js';
import { train } from '../src/train.js';
import { findPython, scratchDir, tinyRun, tinyText } from './helpers.js';

const FIXTURE = new URL('fixtures/handover/', import.meta.url).pathname;
const TOOLS = new URL('../tools/nanogpt/', import.meta.url).pathname;
// A Python with torch (see findPython); without one, the fixture is not made afresh, as in CI.
const PYTHON = findPython('torch');
const noTorch = PYTHON ? null : 'no python3 here imports torch (set PYTHON)';
if (noTorch)
  console.warn(`handover.test.ts: making the fixture afresh with make_handover_fixture.py skipped: ${noTorch}`);

/** The float32 bytes of a tensor. */
function bytes(t: NamedTensor): Buffer {
  return Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}

/** Requires two sets of named tensors to hold the same names, shapes and bits. */
function expectSameBits(actual: Record<string, NamedTensor>, expected: Record<string, NamedTensor>): void {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const [name, t] of Object.entries(expected)) {
    expect([...actual[name]!.shape], name).toEqual([...t.shape]);
    expect(bytes(actual[name]!).equals(bytes(t)), `${name} differs`).toBe(true);
  }
}

/** A copy of `dir`'s handover files (not its nanogpt/ tree) in a fresh directory. */
function handoverCopy(dir: string): string {
  const out = join(scratchDir(), 'handover');
  mkdirSync(out);
  for (const name of HANDOVER_FILES) cpSync(join(dir, name), join(out, name));
  return out;
}

/**
 * The checks of a handover fixture as make_handover_fixture.py writes it: `fixture()` names its directory
 * (corpus.txt, ours/, back/, ckpt-layout.json).
 */
function fixtureTests(fixture: () => string): void {
  const ours = (): string => join(fixture(), 'ours');
  const back = (): string => join(fixture(), 'back');

  it('brings back every weight and both AdamW moments of every parameter bit for bit, and the counters', () => {
    const a = readHandoverDir(ours());
    const b = readHandoverDir(back());
    expectSameBits(b.weights, a.weights);
    expectSameBits(b.moments, a.moments);
    expect(Object.keys(a.moments)).toHaveLength(2 * 28); // 2 layers with biases: 28 parameters, the tied head once
    expect(b.config).toEqual(a.config);
    expect(b.tokenizer).toEqual(a.tokenizer);
    expect(b.run.iter_num).toBe(6);
    expect(b.run.best_val_loss).toBe(a.run.best_val_loss);
    expect(b.run.optimizer).toEqual(a.run.optimizer);
    expect(b.run.config).toEqual(a.run.config);
  });

  it("wrote nanoGPT's layout: its keys, two AdamW groups in named_parameters order, one state per parameter", () => {
    const layout = JSON.parse(readFileSync(join(fixture(), 'ckpt-layout.json'), 'utf8')) as {
      keys: string[];
      model: [string, number[]][];
      model_args: Record<string, unknown>;
      iter_num: number;
      best_val_loss: number;
      config: Record<string, unknown>;
      param_groups: { weight_decay: number; betas: number[]; eps: number; params: number[] }[];
      state: { index: number; step: number; shape: number[]; exp_avg: string; exp_avg_sq: string }[];
    };
    const { weights, moments, run } = readHandoverDir(ours());
    expect(layout.keys).toEqual(['model', 'optimizer', 'model_args', 'iter_num', 'best_val_loss', 'config']);
    expect(layout.model_args).toEqual({
      n_layer: 2,
      n_head: 2,
      n_embd: 8,
      block_size: 8,
      bias: true,
      vocab_size: 20,
      dropout: 0.1,
    });
    expect(layout.iter_num).toBe(run.iter_num);
    expect(layout.best_val_loss).toBe(run.best_val_loss);
    expect(layout.config).toMatchObject({ dataset: 'tiny_char', init_from: 'resume', beta2: 0.95, max_iters: 6 });
    // The state dict: every weight (lm_head.weight beside transformer.wte.weight) and the mask buffers of PyTorch < 2.
    const names = layout.model.map(([name]) => name);
    expect(names.filter((n) => !n.endsWith('.attn.bias')).sort()).toEqual(Object.keys(weights).sort());
    expect(names.filter((n) => n.endsWith('.attn.bias'))).toEqual([
      'transformer.h.0.attn.bias',
      'transformer.h.1.attn.bias',
    ]);
    // configure_optimizers: decayed 2-D tensors, then the rest, numbered across the groups in order.
    const order = run.optimizer.groups.flatMap((g) => g.params);
    expect(order[0]).toBe('transformer.wte.weight');
    expect(order).not.toContain('lm_head.weight');
    const [decay, rest] = layout.param_groups as [(typeof layout.param_groups)[0], (typeof layout.param_groups)[0]];
    expect(decay.params).toEqual([...Array(10).keys()]);
    expect(rest.params).toEqual([...Array(18).keys()].map((i) => i + 10));
    expect([decay.weight_decay, rest.weight_decay]).toEqual([0.1, 0]);
    expect(decay.betas).toEqual([0.9, 0.95]);
    expect(decay.eps).toBe(1e-8);
    expect(layout.state).toHaveLength(order.length);
    const sha = (t: NamedTensor): string => createHash('sha256').update(bytes(t)).digest('hex');
    layout.state.forEach((s, i) => {
      const name = order[i]!;
      expect(s.index).toBe(i);
      expect(s.step).toBe(run.optimizer.step);
      expect(s.shape, name).toEqual([...weights[name]!.shape]);
      expect(s.exp_avg, `${name}.exp_avg`).toBe(sha(moments[`${name}.exp_avg`]!));
      expect(s.exp_avg_sq, `${name}.exp_avg_sq`).toBe(sha(moments[`${name}.exp_avg_sq`]!));
    });
  });

  it('is an exchange directory as it is: generate and eval load its model before any resume', async () => {
    const { model, tokenizer } = await loadModelDir(back());
    expect(model.config).toMatchObject({ nLayer: 2, nEmbd: 8, bias: true, vocabSize: 20 });
    expect(tokenizer.decode(tokenizer.encode('café 😀'))).toBe('café 😀');
  });

  it('pnpm pretrain --init-from resume adopts the returned run as a checkpoint and continues it', async () => {
    const dir = handoverCopy(back());
    const corpus = join(fixture(), 'corpus.txt');
    const argv = ['--init-from', 'resume', '--out-dir', dir, '--data', corpus, '--max-iters', '8', '--backend', 'js'];
    const config = pretrainConfig(argv)!;
    expect(isHandoverDir(dir)).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(['checkpoint.json', 'model.safetensors', 'optimizer.safetensors']);
    const { meta, model, optimizer } = readCheckpoint(dir);
    const original = readHandoverDir(ours());
    expectSameBits(model, original.weights);
    expectSameBits(optimizer, original.moments);
    expect(meta).toMatchObject({ iter: 6, evaluated: false, bestValLoss: original.run.best_val_loss });
    expect(meta.optimizer.step).toBe(6);
    expect(meta.config).toMatchObject({
      beta2: 0.95,
      weightDecay: 0.1,
      nEmbd: 8,
      bias: true,
      dropout: 0.1,
      evalInterval: 3,
    });
    expect(config).toMatchObject({ maxIters: 8, initFrom: 'resume', data: corpus });
    const result = await train(config);
    expect(result.iter).toBe(8);
    expect(result.evals[0]!.iter).toBe(6);
    expect(result.losses).toHaveLength(2);
    expect(result.losses.every(Number.isFinite)).toBe(true);
  });
}

describe('the committed fixture: char-gpt → nanoGPT ckpt.pt (torch 1.13) → char-gpt', () =>
  fixtureTests(() => FIXTURE));

describe.skipIf(noTorch !== null)('the fixture make_handover_fixture.py writes now, with this torch', () => {
  let fresh = '';
  beforeAll(() => {
    fresh = join(scratchDir(), 'fixture');
    const out = spawnSync(PYTHON!, [join(TOOLS, 'make_handover_fixture.py'), '--out', fresh], {
      encoding: 'utf8',
      env: { ...process.env, OMP_NUM_THREADS: '1' },
    });
    if (out.status !== 0)
      throw new Error(`make_handover_fixture.py failed (${out.status}):\n${out.stdout}\n${out.stderr}`);
  }, 180_000);

  fixtureTests(() => fresh);

  it('is the committed fixture up to the numbers of training: the same files, config, groups, names and shapes', () => {
    const json = (dir: string, name: string): Record<string, unknown> =>
      JSON.parse(readFileSync(join(dir, name), 'utf8')) as Record<string, unknown>;
    const numbersOut = (layout: Record<string, unknown>): Record<string, unknown> => ({
      ...layout,
      torch: undefined,
      best_val_loss: undefined,
      state: (layout.state as Record<string, unknown>[]).map((s) => ({ ...s, exp_avg: 0, exp_avg_sq: 0 })),
    });
    expect(numbersOut(json(fresh, 'ckpt-layout.json'))).toEqual(numbersOut(json(FIXTURE, 'ckpt-layout.json')));
    expect(readFileSync(join(fresh, 'corpus.txt'), 'utf8')).toBe(readFileSync(join(FIXTURE, 'corpus.txt'), 'utf8'));
    for (const side of ['ours', 'back']) {
      expect(readdirSync(join(fresh, side)).sort(), side).toEqual(readdirSync(join(FIXTURE, side)).sort());
      expect(json(join(fresh, side), 'config.json'), side).toEqual(json(join(FIXTURE, side), 'config.json'));
      const run = (dir: string): Record<string, unknown> => ({ ...json(dir, 'run.json'), best_val_loss: 0 });
      expect(run(join(fresh, side)), side).toEqual(run(join(FIXTURE, side)));
    }
  });
});

describe('pnpm export --run and the way back, without torch', () => {
  let checkpoint: string;
  let handover: string;
  let corpusPath: string;

  beforeAll(async () => {
    const config = tinyRun({ maxIters: 5, evalInterval: 5, bias: false, beta2: 0.95, sampleChars: 0 });
    corpusPath = config.data;
    await train(config);
    checkpoint = config.outDir;
    handover = join(scratchDir(), 'out');
    await exportRun(checkpoint, handover, { dataset: 'tiny' });
  });

  it('writes the weights, moments and counters that adoption turns back into the same checkpoint, bit for bit', () => {
    const before = readCheckpoint(checkpoint);
    const dir = handoverCopy(handover);
    expect(adoptRun(dir)).toEqual({ iter: 5, writer: 'tinygpt', dataset: 'tiny' });
    const after = readCheckpoint(dir);
    expectSameBits(after.model, before.model);
    expectSameBits(after.optimizer, before.optimizer);
    expect(after.meta.optimizer).toEqual(before.meta.optimizer);
    expect(after.meta).toMatchObject({
      iter: 5,
      bestValLoss: before.meta.bestValLoss,
      tokenizer: before.meta.tokenizer,
    });
    const { config } = after.meta;
    for (const key of [
      'batchSize',
      'learningRate',
      'minLr',
      'warmupIters',
      'lrDecayIters',
      'beta1',
      'beta2',
      'weightDecay',
      'gradClip',
      'bias',
      'data',
    ] as const)
      expect(config[key], key).toEqual(before.meta.config[key]);
  });

  it("lists the AdamW groups as nanoGPT's configure_optimizers builds them: 2-D tensors in named_parameters order, then the rest", () => {
    const { run } = readHandoverDir(handover);
    const block = (i: number): string[] =>
      ['attn.c_attn.weight', 'attn.c_proj.weight', 'mlp.c_fc.weight', 'mlp.c_proj.weight'].map(
        (n) => `transformer.h.${i}.${n}`,
      );
    expect(run.optimizer.groups).toEqual([
      { weight_decay: 0.1, params: ['transformer.wte.weight', 'transformer.wpe.weight', ...block(0), ...block(1)] },
      {
        weight_decay: 0,
        params: [0, 1]
          .flatMap((i) => [`transformer.h.${i}.ln_1.weight`, `transformer.h.${i}.ln_2.weight`])
          .concat('transformer.ln_f.weight'),
      },
    ]);
    expect(run.optimizer).toMatchObject({ step: 5, betas: [0.9, 0.95], eps: 1e-8 });
  });

  it("writes nanoGPT's data directory from the run's own split, and a train.py config that resumes it", () => {
    const data = join(handover, 'nanogpt', 'data', 'tiny');
    const tokenizer = CharTokenizer.fromText(tinyText);
    const splits = splitIds(tokenizer.encode(tinyText), 8);
    const u16 = (name: string): number[] => {
      const buf = readFileSync(join(data, name));
      return Array.from({ length: buf.length / 2 }, (_, i) => buf.readUInt16LE(2 * i));
    };
    expect(u16('train.bin')).toEqual([...splits.train]);
    expect(u16('val.bin')).toEqual([...splits.val]);
    expect(JSON.parse(readFileSync(join(data, 'meta.json'), 'utf8'))).toEqual({
      vocab_size: tokenizer.vocabSize,
      itos: tokenizer.chars,
    });
    const py = readFileSync(join(handover, 'nanogpt', 'config', 'resume_tiny.py'), 'utf8');
    for (const line of [
      "init_from = 'resume'",
      "dataset = 'tiny'",
      "out_dir = 'out-tiny'",
      'beta2 = 0.95',
      'bias = False',
      'dropout = 0.0',
      'grad_clip = 1.0',
      'max_iters = 5',
    ])
      expect(py).toContain(`\n${line}\n`);
    // 1 × 4 sequences per step do not split over 8 GPUs: the torchrun line takes 8 × as many, and says so.
    expect(py).toContain(
      '\n#   torchrun --standalone --nproc_per_node=8 train.py config/resume_tiny.py --gradient_accumulation_steps=8\n',
    );
    expect(py).toContain('\n# 8 × the 4 sequences per step (1 × 4 does not split over 8 GPUs)');
  });

  it('gives torchrun a gradient_accumulation_steps it can divide among the GPUs, keeping the batch where it can', () => {
    expect(torchrunFlags(1, 64, 8).flags).toEqual(['--gradient_accumulation_steps=8', '--batch_size=8']);
    expect(torchrunFlags(40, 12, 8)).toEqual({ flags: [], note: 'the same 480 sequences per step on 8 GPUs' });
    expect(torchrunFlags(5, 16, 8).flags).toEqual(['--gradient_accumulation_steps=8', '--batch_size=10']);
    expect(torchrunFlags(3, 12, 4).flags).toEqual(['--gradient_accumulation_steps=4', '--batch_size=9']);
    expect(torchrunFlags(1, 12, 8).flags).toEqual(['--gradient_accumulation_steps=8']);
    expect(torchrunFlags(1, 12, 8).note).toMatch(/^8 × the 12 sequences per step/);
  });

  it("names nanoGPT's data directory after the corpus: shakespeare_char for tinyshakespeare", () => {
    expect(['tinyshakespeare', 'moby-dick', 'words.txt', 'my notes.md'].map(datasetDirName)).toEqual([
      'shakespeare_char',
      'moby-dick',
      'words',
      'my_notes',
    ]);
  });

  it('refuses a corpus that changed since the run, naming it', async () => {
    writeFileSync(corpusPath, tinyText.slice(0, -10));
    try {
      await expect(exportRun(checkpoint, join(scratchDir(), 'x'))).rejects.toThrow(
        /has \d+ characters but the run trained on \d+/,
      );
    } finally {
      writeFileSync(corpusPath, tinyText);
    }
  });

  it("refuses a handover whose groups are not nanoGPT's, an eps of another AdamW, or stray files", () => {
    const edit = (change: (run: RunJson) => void): string => {
      const dir = handoverCopy(handover);
      const path = join(dir, 'run.json');
      const run = JSON.parse(readFileSync(path, 'utf8')) as RunJson;
      change(run);
      writeFileSync(path, JSON.stringify(run));
      return dir;
    };
    const moved = edit((run) => {
      const name = run.optimizer.groups[0]!.params.pop()!;
      run.optimizer.groups[1]!.params.push(name);
    });
    expect(() => adoptRun(moved)).toThrow(
      /is in the undecayed optimizer group; nanoGPT decays exactly the 2-D parameters/,
    );
    expect(existsSync(join(moved, 'run.json'))).toBe(true); // left as it was
    expect(() => adoptRun(edit((run) => (run.optimizer.eps = 1e-6)))).toThrow(
      /AdamW eps 0.000001; char-gpt.s AdamW uses 1e-8/,
    );
    expect(() => adoptRun(edit((run) => run.optimizer.groups[0]!.params.pop()))).toThrow(CheckpointError);
    expect(() => adoptRun(edit((run) => ((run as { format: string }).format = 'x')))).toThrow(
      /not a run handover file/,
    );
    expect(() => adoptRun(handover)).toThrow(/holds files besides a run handover \(nanogpt\)/);
  });

  it('a handover that cannot be written (a name too long here; a full disk alike) leaves nothing behind', () => {
    const parent = scratchDir();
    const dir = join(parent, 'handover');
    expect(() => writeHandoverDir(dir, { 'run.json': '{}', ['x'.repeat(300)]: 'y' })).toThrow(CliError);
    expect(() => writeHandoverDir(dir, { 'run.json': '{}', ['x'.repeat(300)]: 'y' })).toThrow(
      /^cannot write .*handover: the name is too long$/,
    );
    expect(readdirSync(parent)).toEqual([]);
  });
});
