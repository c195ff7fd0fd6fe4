// The `pnpm mnist` command end to end on a tiny run, and its errors: one line, non-zero exit, no stack trace.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMnist } from '@tinygpt/datasets/mnist';
import { lockDir } from '@tinygpt/cli-kit';
import { main } from '../src/cli/commands.js';
import { rejects as rejectsIn, TINY_TRAIN } from './helpers.js';
import { encodePng } from '../src/png.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'mnist-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * Runs `pnpm mnist …` the way the root script does (`node apps/mnist-mlp/bin/mnist.mjs` from the
 * repository root, user paths relative to INIT_CWD), on the default backend unless `env` names one.
 */
function mnist(
  args: string[],
  env: Record<string, string> = {},
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['apps/mnist-mlp/bin/mnist.mjs', ...args], {
    cwd: repoRoot,
    env: { ...process.env, INIT_CWD: work, TINYGPT_DEBUG: '', TINYGPT_BACKEND: '', ...env },
    encoding: 'utf8',
    timeout: 30_000, // a process that outlives its command (worker threads left running) fails the test instead of hanging it
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** What `backend.describe()` prints for the wasm backend on this machine's cores. */
const WASM = /wasm \(\d+ threads?(, relaxed-simd)?\)/;

/** A real test digit as a black-on-white 56×56 PNG. */
function digitPng(index: number): { file: string; label: number } {
  const test = loadMnist({ split: 'test', limit: index + 1 });
  const side = 56;
  const data = new Uint8Array(4 * side * side);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const v = 255 - Math.round(255 * test.images[index * 784 + Math.floor(y / 2) * 28 + Math.floor(x / 2)]!);
      data.set([v, v, v, 255], 4 * (y * side + x));
    }
  }
  const file = `digit-${index}.png`;
  writeFileSync(join(work, file), encodePng({ width: side, height: side, data }));
  return { file, label: test.labels[index]! };
}

describe('pnpm mnist, end to end on a tiny run', () => {
  let trained: ReturnType<typeof mnist>;
  beforeAll(() => {
    trained = mnist([
      'train',
      '--preset',
      'modern',
      '--arch',
      '784-32-10',
      '--epochs',
      '2',
      '--train-images',
      '3000',
      '--val-images',
      '500',
      '--test-images',
      '500',
      '--batch-size',
      '32',
      '--learning-rate',
      '0.003',
      '--seed',
      '7',
      '--out-dir',
      'run',
      '--json',
    ]);
  }, 60_000);

  it('train --json prints exactly one object per epoch with the documented fields, and writes the checkpoint', () => {
    expect(trained.stderr).toBe('');
    expect(trained.status).toBe(0);
    const lines = trained.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, number>);
    expect(lines).toHaveLength(2);
    for (const [i, line] of lines.entries()) {
      expect(Object.keys(line)).toEqual(['epoch', 'trainLoss', 'valAccuracy', 'testAccuracy', 'seconds']);
      expect(line.epoch).toBe(i + 1);
    }
    expect(lines[1]!.testAccuracy).toBeGreaterThan(0.8);
    expect(existsSync(join(work, 'run', 'model.safetensors'))).toBe(true);
    const saved = JSON.parse(readFileSync(join(work, 'run', 'checkpoint.json'), 'utf8')) as {
      config: Record<string, unknown>;
      backend: string;
    };
    // the preset's values, except where a flag said otherwise
    expect(saved.config).toMatchObject({
      preset: 'modern',
      arch: '784-32-10',
      activation: 'relu',
      loss: 'cross-entropy',
      optimizer: 'adam',
      epochs: 2,
      batchSize: 32,
      learningRate: 0.003,
    });
    expect(saved.backend).toMatch(new RegExp(`^${WASM.source}$`)); // the default backend, recorded
  });

  it('eval prints the test accuracy and the confusion matrix', () => {
    const { status, stdout } = mnist(['eval', '--checkpoint', 'run', '--test-images', '500']);
    expect(status).toBe(0);
    expect(stdout).toMatch(
      new RegExp(
        `^checkpoint \\S*run: 784-32-10 relu, cross-entropy, adam, epoch 2, trained on ${WASM.source}\nbackend: ${WASM.source}\n`,
      ),
    );
    expect(stdout).toMatch(/test accuracy \d+\.\d\d% \([\d,]+ of 500 correct\)/);
    expect(stdout).toContain('true\\pred');
    const rows = stdout.trimEnd().split('\n').slice(-10);
    expect(rows.map((r) => r.trim().split(/\s+/)[0])).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  }, 30_000);

  it('predict classifies a PNG and --json prints the prediction and ten activations', () => {
    const { file, label } = digitPng(0);
    const { status, stdout } = mnist(['predict', '--checkpoint', 'run', file, '--json']);
    expect(status).toBe(0);
    const json = JSON.parse(stdout) as { prediction: number; activations: number[] };
    expect(Object.keys(json)).toEqual(['prediction', 'activations']);
    expect(json.prediction).toBe(label);
    expect(json.activations).toHaveLength(10);
  }, 30_000);

  it('visualize writes the weight grid PNG and the curves SVG', () => {
    const { status, stdout } = mnist(['visualize', '--checkpoint', 'run', '--out', 'pics/weights.png']);
    expect(status).toBe(0);
    expect(stdout).toContain('32 hidden neurons');
    expect(
      readFileSync(join(work, 'pics', 'weights.png'))
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
    expect(readFileSync(join(work, 'pics', 'curves.svg'), 'utf8')).toMatch(/^<svg[\s\S]*<polyline[\s\S]*<\/svg>\n$/);
  }, 30_000);
});

describe('pnpm mnist errors', () => {
  /** In-process, in the test's user directory: see helpers.ts. */
  const rejects = (args: string[], pattern: RegExp, code?: number): Promise<void> =>
    rejectsIn(work, args, pattern, code);

  it('reach the terminal as one "error:" line and a non-zero exit code', () => {
    const usage = mnist(['train', '--epoch', '3']);
    expect([usage.status, usage.stdout]).toEqual([2, '']);
    expect(usage.stderr).toMatch(
      /^error: unknown option --epoch \(did you mean --epochs\?\); valid options: --preset, .*\n$/,
    );
    expect(usage.stderr.trimEnd().split('\n')).toHaveLength(1);
    const missing = mnist(['eval', '--checkpoint', 'nowhere']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^error: no checkpoint in \S*nowhere: checkpoint\.json is missing .*\n$/);
  }, 60_000);

  it('a backend that does not exist, as a flag or in TINYGPT_BACKEND: one line, exit code 2', () => {
    const flag = mnist(['train', '--backend', 'gpu']);
    expect([flag.status, flag.stdout, flag.stderr]).toEqual([
      2,
      '',
      "error: --backend must be one of wasm, js; got 'gpu'\n",
    ]);
    const env = mnist(['eval', '--checkpoint', 'run'], { TINYGPT_BACKEND: 'gpu' });
    expect([env.status, env.stdout, env.stderr]).toEqual([
      2,
      '',
      "error: $TINYGPT_BACKEND must be one of wasm, js; got 'gpu'\n",
    ]);
  }, 60_000);

  it('an unknown command or flag', async () => {
    await rejects(['trian'], /^unknown command 'trian' \(did you mean train\?\)/);
    await rejects(['train', '--epoch', '3'], /^unknown option --epoch \(did you mean --epochs\?\)/);
  });

  it('a bad architecture, choice or number', async () => {
    await rejects(['train', '--arch', '784-16-16-9'], /^--arch must start with 784 .* and end with 10/);
    await rejects(['train', '--arch', '784-0-10'], /^--arch must be layer sizes joined by '-'/);
    await rejects(['train', '--activation', 'softplus'], /^--activation must be one of sigmoid, relu, tanh/);
    await rejects(['train', '--learning-rate', '-1'], /^--learning-rate must be a number > 0/);
    await rejects(['train', '--batch-size', '0'], /^--batch-size must be an integer ≥ 1/);
    await rejects(['train', '--preset', 'fancy'], /^--preset must be one of classic, modern/);
    await rejects(['train', '--val-images', '60000'], /^--val-images must leave training images/);
    await rejects(['train', '--backend', 'gpu'], /^--backend must be one of wasm, js; got 'gpu'$/);
    await rejects(['eval', '--backend', 'cuda'], /^--backend must be one of wasm, js; got 'cuda'$/);
    await rejects(['predict', '--backend', 'webgl', 'a.png'], /^--backend must be one of wasm, js; got 'webgl'$/);
    await rejects(['train', '--threads', '-1', '--epochs', '1'], /^--threads expects a whole number from 0 to 255/);
    await rejects(['eval', '--threads', '100000'], /^--threads expects a whole number from 0 to 255/);
  });

  it('a missing checkpoint', async () => {
    await rejects(['eval', '--checkpoint', 'nowhere'], /^no checkpoint in .*nowhere: checkpoint\.json is missing/, 1);
    await rejects(['visualize', '--checkpoint', 'nowhere'], /^no checkpoint in .*nowhere/, 1);
    writeFileSync(join(work, 'weights.txt'), 'not a directory');
    await rejects(
      ['eval', '--checkpoint', 'weights.txt'],
      /^no checkpoint in \S*weights\.txt: it is a file, not a directory$/,
      1,
    );
    cpSync(join(work, 'run'), join(work, 'unreadable'), { recursive: true });
    rmSync(join(work, 'unreadable', 'model.safetensors'));
    mkdirSync(join(work, 'unreadable', 'model.safetensors')); // as EACCES would, for a reader who is not root
    await rejects(['eval', '--checkpoint', 'unreadable'], /^cannot read \S*model\.safetensors: it is a directory$/, 1);
  });

  it('an output path through a file or onto a directory: refused before any training, in words', async () => {
    writeFileSync(join(work, 'notes.txt'), 'a file, not a directory');
    const written = /: a part of the path is a file, not a directory$/;
    // The out dir itself, or the directory its lock file goes in (as char-gpt's runs say it).
    for (const [outDir, named] of [
      ['notes.txt', '--out-dir \\S*notes.txt'],
      ['notes.txt/run', '\\S*notes.txt'],
    ] as const) {
      await rejects(
        ['train', ...TINY_TRAIN, '--out-dir', outDir],
        new RegExp(`^cannot create ${named}${written.source}`),
        1,
      );
    }
    await rejects(
      ['visualize', '--checkpoint', 'run', '--out', 'notes.txt/w.png'],
      /^cannot create \S*notes\.txt: a part/,
      1,
    );
    await rejects(
      ['visualize', '--checkpoint', 'run', '--curves', 'notes.txt/c.svg'],
      /^cannot create \S*notes\.txt: a part/,
      1,
    );
    mkdirSync(join(work, 'taken.png', 'inside'), { recursive: true });
    await rejects(
      ['visualize', '--checkpoint', 'run', '--out', 'taken.png'],
      /^cannot write \S*taken\.png: it is a directory$/,
      1,
    );
  });

  it('a second train into an --out-dir another process is writing is refused before it trains', () => {
    const release = lockDir(join(work, 'busy')); // this test process is the live writer
    try {
      const second = mnist(['train', ...TINY_TRAIN, '--out-dir', 'busy']);
      expect([second.status, second.stdout]).toEqual([1, '']);
      expect(second.stderr).toMatch(
        /^error: --out-dir \S*busy is being written by process \d+ .*; one writer at a time/,
      );
    } finally {
      release();
    }
  }, 60_000);

  // Root may write anywhere: this runs where the tests do not run as root.
  it.skipIf(process.getuid?.() === 0)('an --out-dir it may not write: refused before any training', async () => {
    mkdirSync(join(work, 'locked'), { mode: 0o555 });
    await rejects(
      ['train', ...TINY_TRAIN, '--out-dir', 'locked'],
      /^cannot write to --out-dir \S*locked: permission denied$/,
      1,
    );
  });

  it('a missing or corrupt PNG, or none at all', async () => {
    writeFileSync(join(work, 'broken.png'), 'this is not a png');
    await rejects(['predict', '--checkpoint', 'run', 'broken.png'], /^\S*broken\.png is not a readable PNG image/, 1);
    await rejects(['predict', '--checkpoint', 'run', 'absent.png'], /^image not found: \S*absent\.png/, 1);
    // Refused from the file's type before reading: /dev/zero would fill memory, a FIFO would block forever.
    await rejects(['predict', '--checkpoint', 'run', '/dev/zero'], /^image \/dev\/zero is not a regular file/, 1);
    execFileSync('mkfifo', [join(work, 'fifo.png')]);
    await rejects(['predict', '--checkpoint', 'run', 'fifo.png'], /^image \S*fifo\.png is not a regular file/, 1);
    await rejects(['predict', '--checkpoint', 'run'], /^predict needs an image/);
    await rejects(['predict', '--checkpoint', 'run', 'a.png', 'b.png'], /^unexpected argument 'b\.png'/);
  });
});

describe('text output', () => {
  it('train says what it trains and on which backend; the epoch lines follow', async () => {
    process.env.INIT_CWD = work;
    const text = await captureStdout(() =>
      main([
        'train',
        '--train-images',
        '200',
        '--val-images',
        '100',
        '--test-images',
        '100',
        '--epochs',
        '1',
        '--backend',
        'js',
        '--out-dir',
        'run-text',
      ]),
    );
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe(
      '784-16-16-10 sigmoid (13,002 parameters), mse, sgd η 0.5 → 0 (cosine), batch 10, 1 epoch, seed 1337',
    );
    expect(lines[1]).toBe('backend: js (1 thread)');
    expect(lines[2]).toMatch(/^epoch 1 {2}loss \d\.\d{4} {2}val \d+\.\d\d% {2}test \d+\.\d\d% {2}\d+\.\d s$/);
    expect(lines.slice(3)).toEqual(['checkpoint: run-text']); // relative to where the user is
  });

  it('--help prints the options and the presets', async () => {
    const text = await captureStdout(() => main(['train', '--help']));
    expect(text).toContain('--learning-rate <number>');
    expect(text).toContain('classic (784-16-16-10 sigmoid, mse, sgd)');
  });

  it('predict shows the 28×28 input and the ten output neurons with the prediction marked', async () => {
    const { file, label } = digitPng(1);
    process.env.INIT_CWD = work;
    const text = await captureStdout(() => main(['predict', '--checkpoint', 'run', file]));
    expect(text.split('\n')[0]).toMatch(/^backend: (js \(1 thread\)|wasm \(\d+ threads?(, relaxed-simd)?\))$/);
    expect(text).toContain('what the network sees (28×28):');
    expect(text.match(/^\d {2}[█·]{40} \d\.\d{3}/gm)).toHaveLength(10);
    expect(text).toContain(`  ← ${label}\n`);
    expect(text.trimEnd().endsWith(`prediction: ${label}`)).toBe(true);
  });
});

/** What `fn` writes to stdout (what it writes to stderr, a progress bar, is dropped). */
async function captureStdout(fn: () => Promise<void>): Promise<string> {
  const chunks: string[] = [];
  const [write, writeErr] = [process.stdout.write.bind(process.stdout), process.stderr.write.bind(process.stderr)];
  process.stdout.write = (chunk: string) => chunks.push(chunk) > 0;
  process.stderr.write = () => true;
  try {
    await fn();
  } finally {
    process.stdout.write = write;
    process.stderr.write = writeErr;
  }
  return chunks.join('');
}
