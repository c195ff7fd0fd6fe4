// Reliability cases: run directories that readers never change and one writer owns, refusals that protect a trained
// run, validated checkpoint.json, sizes checked before allocating, exact extension.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors } from '@tinygpt/autograd/safetensors';
import { CliError, lockDir } from '@tinygpt/cli-kit';
import { openRunDir, readCheckpoint, readCheckpointMeta, writeCheckpoint } from '../src/checkpoint/checkpoint-files.js';
import { CheckpointError, serializeMeta } from '../src/checkpoint/format.js';
import type { CheckpointMeta } from '../src/checkpoint/format.js';
import { loadModel } from '../src/checkpoint/load-model.js';
import { pretrainConfig } from '../src/cli/pretrain-config.js';
import { writeExchangeDir, readExchangeDir, loadExchangeModel } from '../src/interop/exchange-dir.js';
import type { CharTokenizerJson } from '@tinygpt/tokenizer';
import { appDir, userPath } from '../src/paths.js';
import { train } from '../src/train.js';
import { scratchDir, textFile, tinyRun, trainedCheckpoint } from './helpers.js';

const { dir: savedDir, copy } = trainedCheckpoint(); // a copy() is a fresh copy of the saved checkpoint to damage

/** Rewrites checkpoint.json of `dir` after `edit`, with a correct checksum (what a careless tool would do). */
function editMeta(dir: string, edit: (meta: Record<string, unknown>) => void, checksum = true): void {
  const meta = JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8')) as Record<string, unknown>;
  edit(meta);
  writeFileSync(
    join(dir, 'checkpoint.json'),
    checksum ? serializeMeta(meta as unknown as CheckpointMeta) : JSON.stringify(meta, null, 1),
  );
}

describe('readers never change a run directory', () => {
  it('an unfinished DIR.next of a live writer is left alone, and the reader gets the old checkpoint', async () => {
    const dir = copy();
    cpSync(dir, `${dir}.next`, { recursive: true });
    writeFileSync(join(`${dir}.next`, 'model.safetensors'), 'half-written');
    expect((await loadModel(dir)).meta.iter).toBe(3);
    expect(readCheckpointMeta(dir).iter).toBe(3);
    expect(readFileSync(join(`${dir}.next`, 'model.safetensors'), 'utf8')).toBe('half-written');
  });

  it('between the two renames the reader reads DIR.next (complete) without moving anything', () => {
    const dir = copy();
    cpSync(dir, `${dir}.next`, { recursive: true });
    renameSync(dir, `${dir}.prev`);
    expect(readCheckpoint(dir).meta.iter).toBe(3);
    expect([existsSync(dir), existsSync(`${dir}.next`), existsSync(`${dir}.prev`)]).toEqual([false, true, true]);
    // The writer, and only it, finishes the swap.
    openRunDir(dir)();
    expect([existsSync(dir), existsSync(`${dir}.next`), existsSync(`${dir}.prev`)]).toEqual([true, false, false]);
  });

  it('a reader loop against a training writer always reads a whole checkpoint, and the writer finishes', async () => {
    const user = scratchDir();
    const out = join(user, 'run');
    const maxIters = 40;
    const corpus = textFile();
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--conditions=@tinygpt/source',
        'src/cli/pretrain.ts',
        '--data',
        corpus,
        '--out-dir',
        out,
        '--backend',
        'js',
        '--n-layer',
        '1',
        '--n-head',
        '2',
        '--n-embd',
        '8',
        '--block-size',
        '8',
        '--batch-size',
        '2',
        '--max-iters',
        String(maxIters),
        '--eval-interval',
        '1',
        '--eval-iters',
        '1',
        '--sample-chars',
        '0',
        '--lr-decay-iters',
        String(maxIters),
        '--warmup-iters',
        '0',
        '--json',
      ],
      { cwd: appDir, env: { ...process.env, INIT_CWD: user, TINYGPT_DEBUG: '' } },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    let done = false;
    void exited.then(() => (done = true));
    const iters: number[] = [];
    const failures: string[] = [];
    // Bounded: the loop ends when the writer exits (it always does: 40 tiny iterations).
    while (!done) {
      if (existsSync(join(out, 'checkpoint.json')) || existsSync(`${out}.next`)) {
        try {
          const { meta, model } = readCheckpoint(out);
          // Whole: the weights are the ones checkpoint.json describes (sizes and SHA-256 checked inside).
          expect(Object.keys(model).length).toBeGreaterThan(0);
          iters.push(meta.iter);
        } catch (err) {
          // Before the first checkpoint there is none to read; after it, there always is one whole.
          if (iters.length > 0) failures.push((err as Error).message);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    expect(await exited, stderr).toBe(0);
    expect(failures).toEqual([]);
    expect(iters.every((iter, i) => i === 0 || iter >= iters[i - 1]!)).toBe(true); // never an older one after a newer
    expect(readCheckpointMeta(out).iter).toBe(maxIters);
    expect(readdirSync(user)).toEqual(['run']); // no lock, no .next or .prev left behind
  }, 120_000);
});

describe('one writer per run directory', () => {
  it('a second writer is refused, in this process and in another', () => {
    const dir = join(scratchDir(), 'run');
    const release = openRunDir(dir);
    expect(() => openRunDir(dir)).toThrow(/already being written by this process/);
    release();
    // A live process of this host holds it: refused with its pid.
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${dir}.lock`, JSON.stringify({ pid: process.ppid, host: hostname(), started: 'then' }));
    expect(() => openRunDir(dir)).toThrow(
      new RegExp(`being written by process ${process.ppid} .*one writer at a time`),
    );
  });

  it("a crashed writer's lock does not stay stuck", () => {
    const dir = join(scratchDir(), 'run');
    const dead = spawnSync(process.execPath, ['-e', '']).pid; // has exited
    writeFileSync(`${dir}.lock`, JSON.stringify({ pid: dead, host: hostname(), started: 'then' }));
    const release = lockDir(dir);
    expect(JSON.parse(readFileSync(`${dir}.lock`, 'utf8')).pid).toBe(process.pid);
    release();
    expect(existsSync(`${dir}.lock`)).toBe(false);
  });

  it('train refuses an out dir another process is writing, touching nothing', async () => {
    const config = tinyRun({ outDir: copy(), initFrom: 'resume', maxIters: 6 });
    const before = readFileSync(join(config.outDir, 'log.csv'), 'utf8');
    writeFileSync(`${config.outDir}.lock`, JSON.stringify({ pid: process.ppid, host: hostname(), started: 'then' }));
    await expect(train(config)).rejects.toThrow(/is being written by process/);
    expect(readFileSync(join(config.outDir, 'log.csv'), 'utf8')).toBe(before);
  });
});

describe('careless re-runs', () => {
  it('a run from scratch over an existing run is refused before anything is touched; --overwrite allows it', async () => {
    const dir = copy();
    const log = readFileSync(join(dir, 'log.csv'), 'utf8');
    const json = readFileSync(join(dir, 'checkpoint.json'), 'utf8');
    await expect(train(tinyRun({ outDir: dir }))).rejects.toThrow(
      /already holds a run \(checkpoint at iteration 3\); continue it with --init-from resume.*--overwrite/,
    );
    expect(readFileSync(join(dir, 'log.csv'), 'utf8')).toBe(log);
    expect(readFileSync(join(dir, 'checkpoint.json'), 'utf8')).toBe(json);
    expect(existsSync(`${dir}.lock`)).toBe(false);
    const over = await train(tinyRun({ outDir: dir, overwrite: true, maxIters: 2, evalInterval: 2 }));
    expect(over.iter).toBe(2);
    expect(readCheckpointMeta(dir).iter).toBe(2);
  });

  it('an out dir ending in / (tab completion) works and leaves no debris', async () => {
    const parent = scratchDir();
    const config = tinyRun({ outDir: `${join(parent, 'run')}/`, maxIters: 2, evalInterval: 1 });
    await train(config);
    await train({ ...config, initFrom: 'resume', maxIters: 3 });
    expect(readdirSync(parent)).toEqual(['run']);
    expect(readCheckpointMeta(join(parent, 'run')).iter).toBe(3);
    expect(userPath(`${parent}/run/`)).toBe(join(parent, 'run'));
  });

  it('an out dir under a file says so in words, not errno text', async () => {
    const file = textFile();
    await expect(train(tinyRun({ outDir: join(file, 'run') }))).rejects.toThrow(
      /a part of the path is a file, not a directory/,
    );
  });

  it('the "too short for --block-size" hint names a block size that works', () => {
    const corpus = textFile('abcdefghijklmnopqrstuvwxyz'.repeat(4)); // 104 characters: val split 11
    const run = train(tinyRun({ data: corpus, blockSize: 11 }));
    return expect(run).rejects.toThrow(/use a longer text or --block-size 10 or less/);
  });
});

describe('non-finite weights are never written nor loaded', () => {
  it('writeCheckpoint refuses NaN and keeps the last checkpoint', () => {
    const dir = copy();
    const contents = readCheckpoint(dir);
    const { files: _, ...meta } = contents.meta;
    const model = { ...contents.model };
    const name = 'transformer.h.0.mlp.c_fc.weight';
    model[name] = { shape: model[name]!.shape, data: model[name]!.data.map((v, i) => (i === 5 ? NaN : v)) };
    expect(() => writeCheckpoint(dir, { meta, model, optimizer: contents.optimizer })).toThrow(
      /would hold NaN in "transformer\.h\.0\.mlp\.c_fc\.weight"; the last checkpoint was kept/,
    );
    expect(readCheckpointMeta(dir).iter).toBe(3);
  });

  it('a checkpoint holding Infinity (hashes made to match) is refused on load', async () => {
    const dir = copy();
    const bytes = readFileSync(join(dir, 'model.safetensors'));
    const { tensors } = decodeSafetensors(new Uint8Array(bytes));
    tensors['transformer.wpe.weight']!.data[0] = Infinity;
    const encoded = encodeSafetensors(tensors, { format: 'pt' });
    writeFileSync(join(dir, 'model.safetensors'), encoded);
    editMeta(dir, (meta) => {
      (meta.files as Record<string, unknown>)['model.safetensors'] = {
        bytes: encoded.length,
        sha256: createHash('sha256').update(encoded).digest('hex'),
      };
    });
    await expect(loadModel(dir)).rejects.toThrow(
      /holds Infinity in "transformer\.wpe\.weight"; refusing non-finite weights/,
    );
  });
});

describe('checkpoint.json is validated whole and protected by its checksum', () => {
  it.each([
    [
      'a corrupt rng ("s0": null)',
      (m: Record<string, unknown>) => ((m.rng as { alea: { s0: unknown } }).alea.s0 = null),
      /"rng" must hold the generator state/,
    ],
    ['a negative iteration', (m: Record<string, unknown>) => (m.iter = -1), /"iter" must be a non-negative integer/],
    [
      'n_embd not divisible by n_head',
      (m: Record<string, unknown>) => ((m.modelArgs as { nHead: number }).nHead = 3),
      /"modelArgs.nEmbd" must be a multiple/,
    ],
    [
      'dropout 1',
      (m: Record<string, unknown>) => ((m.modelArgs as { dropout: number }).dropout = 1),
      /"modelArgs.dropout" must be a number in \[0, 1\)/,
    ],
    [
      'a NaN best loss (as a string)',
      (m: Record<string, unknown>) => (m.bestValLoss = 'NaN'),
      /"bestValLoss" must be a finite number or null/,
    ],
  ])('refuses %s', (_, edit, message) => {
    const dir = copy();
    editMeta(dir, edit);
    expect(() => readCheckpointMeta(dir)).toThrow(CheckpointError);
    expect(() => readCheckpointMeta(dir)).toThrow(message);
  });

  it('an edit without the checksum updated is caught as damage', () => {
    const dir = copy();
    const text = readFileSync(join(dir, 'checkpoint.json'), 'utf8').replace('"iter": 3', '"iter": 2');
    writeFileSync(join(dir, 'checkpoint.json'), text);
    expect(() => readCheckpointMeta(dir)).toThrow(/is damaged: its contents do not match its "sha256" checksum/);
  });

  it('a checkpoint.json from before checksums (no "sha256") is still read', () => {
    const dir = copy();
    editMeta(dir, (m) => delete m.sha256, false);
    expect(readCheckpointMeta(dir).iter).toBe(3);
  });

  it('a resume from a corrupt rng state fails instead of training on one window', async () => {
    const dir = copy();
    editMeta(dir, (m) => ((m.rng as { alea: { s0: unknown } }).alea.s0 = null));
    await expect(train(tinyRun({ outDir: dir, initFrom: 'resume', maxIters: 6 }))).rejects.toThrow(/"rng"/);
  });

  it.each([
    ['evalInterval', 0, /checkpoint\.json: "config\.evalInterval" expects a positive integer, got 0$/],
    ['maxIters', 1e20, /checkpoint\.json: "config\.maxIters" expects an integer ≥ 0 no larger than/],
    [
      'evalInterval',
      'x',
      /checkpoint\.json: "config\.evalInterval" must be a number, got "x"; the checkpoint is damaged/,
    ],
  ])('a resume refuses a saved config.%s of %j, naming the checkpoint', (key, value, message) => {
    const dir = copy();
    editMeta(dir, (m) => ((m.config as Record<string, unknown>)[key] = value));
    expect(() => pretrainConfig(['--init-from', 'resume', '--out-dir', dir])).toThrow(CheckpointError);
    expect(() => pretrainConfig(['--init-from', 'resume', '--out-dir', dir])).toThrow(message);
  });

  it('a resume refuses another --tokenizer instead of ignoring it', () => {
    const argv = ['--init-from', 'resume', '--out-dir', savedDir(), '--tokenizer', 'gpt2'];
    expect(() => pretrainConfig(argv)).toThrow(
      "--tokenizer gpt2 differs from the checkpoint's char; a resumed run keeps its tokenizer",
    );
    expect(pretrainConfig([...argv.slice(0, 4), '--tokenizer', 'char'])?.tokenizer).toBe('char');
  });

  it('a resume refuses a flag that changes the model shape as a usage error, before any work', () => {
    const dir = savedDir();
    const shape = readCheckpointMeta(dir).modelArgs;
    for (const [flag, key] of [
      ['--n-layer', 'nLayer'],
      ['--n-embd', 'nEmbd'],
      ['--block-size', 'blockSize'],
    ] as const) {
      const argv = ['--init-from', 'resume', '--out-dir', dir, flag, String(shape[key] * 2)];
      let error: unknown;
      try {
        pretrainConfig(argv);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CliError);
      expect((error as CliError).exitCode).toBe(2);
      expect((error as CliError).message).toBe(
        `${flag} ${shape[key] * 2} differs from the checkpoint's ${shape[key]}; a resumed run keeps the model's shape`,
      );
      expect(pretrainConfig([...argv.slice(0, 4), flag, String(shape[key])])?.[key]).toBe(shape[key]);
    }
  });

  it('a file that cannot be read (here a directory in its place) is not called damaged', () => {
    for (const name of ['checkpoint.json', 'model.safetensors']) {
      const dir = copy();
      rmSync(join(dir, name));
      mkdirSync(join(dir, name));
      expect(() => readCheckpoint(dir)).toThrow(`cannot read ${join(dir, name)}: it is a directory`);
    }
  });

  it('a directory with model.safetensors but neither checkpoint.json nor config.json says so', async () => {
    const dir = copy();
    renameSync(join(dir, 'checkpoint.json'), join(dir, 'other'));
    await expect(loadModel(dir)).rejects.toThrow(/neither checkpoint\.json .* nor config\.json/);
  });
});

describe('sizes are checked before anything is allocated (see also memory-estimate.test.ts)', () => {
  it('an exchange config.json with n_layer 200000 is refused at once', async () => {
    const dir = join(scratchDir(), 'exchange');
    const { tokenizer, meta } = await loadModel(savedDir());
    writeExchangeDir(dir, {
      config: meta.modelArgs,
      tokenizer: tokenizer.toJSON() as CharTokenizerJson,
      weights: readExchangeable(savedDir()),
    });
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    config.n_layer = 200_000;
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    await expect(loadExchangeModel(dir)).rejects.toThrow(
      /holds [\d,]+ weights, but the model its config describes needs 620,800,544 \(2\.3 GB\)/,
    );
    expect(() => readExchangeDir(dir)).toThrow(/the config does not match the weights/);
  });
});

/** The weights of checkpoint `dir` under nanoGPT names, as an exchange directory stores them. */
function readExchangeable(dir: string): Record<string, { shape: readonly number[]; data: Float32Array }> {
  return readCheckpoint(dir, { optimizer: false }).model;
}

describe('Ctrl-C', () => {
  it('does not wait for a long evaluation: it stops it and writes the checkpoint', async () => {
    let calls = 0; // true from the second question on: the first comes before the evaluation at iteration 0
    const result = await train(tinyRun({ maxIters: 2, evalInterval: 1, evalIters: 50 }), {
      shouldStop: () => calls++ > 0,
    });
    expect([result.interrupted, result.iter, result.evals.length]).toEqual([true, 0, 0]);
    expect(calls).toBe(3); // before the evaluation, in its first batch, then where the checkpoint is written
  });
});

describe('extending a finished run', () => {
  it('is bit-exact when --max-iters is not a multiple of --eval-interval', async () => {
    const common = { evalInterval: 5, dropout: 0.1, maxIters: 16, lrDecayIters: 16 };
    const straight = await train(tinyRun({ ...common }));
    const first = tinyRun({ ...common, maxIters: 8 });
    const a = await train(first);
    const b = await train({ ...first, initFrom: 'resume', maxIters: 16 });
    expect([...a.losses, ...b.losses]).toEqual(straight.losses);
  });
});
