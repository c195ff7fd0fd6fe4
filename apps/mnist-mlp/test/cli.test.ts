// The `pnpm mnist` command end to end on a tiny run, and its errors: one line, non-zero exit, no stack trace.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMnist } from '@tinygpt/datasets/mnist';
import { encodePng } from '../src/png.js';

const appDir = fileURLToPath(new URL('..', import.meta.url));
const tsx = createRequire(import.meta.url).resolve('tsx/cli');
const work = mkdtempSync(join(tmpdir(), 'mnist-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs `pnpm mnist …` the way the root script does: from the app folder, user paths relative to INIT_CWD. */
function mnist(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [tsx, '--conditions=@tinygpt/source', 'src/cli/mnist.ts', ...args], {
    cwd: appDir,
    env: { ...process.env, INIT_CWD: work, TINYGPT_DEBUG: '' },
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

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
    trained = mnist('train', '--preset', 'modern', '--arch', '784-32-10', '--epochs', '2', '--train-images', '3000',
      '--val-images', '500', '--test-images', '500', '--seed', '7', '--out-dir', 'run', '--json');
  }, 60_000);

  it('train --json prints exactly one object per epoch with the documented fields, and writes the checkpoint', () => {
    expect(trained.stderr).toBe('');
    expect(trained.status).toBe(0);
    const lines = trained.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
    expect(lines).toHaveLength(2);
    for (const [i, line] of lines.entries()) {
      expect(Object.keys(line)).toEqual(['epoch', 'trainLoss', 'valAccuracy', 'testAccuracy', 'seconds']);
      expect(line.epoch).toBe(i + 1);
    }
    expect(lines[1]!.testAccuracy).toBeGreaterThan(0.8);
    expect(existsSync(join(work, 'run', 'model.safetensors'))).toBe(true);
    const saved = JSON.parse(readFileSync(join(work, 'run', 'checkpoint.json'), 'utf8')) as { config: Record<string, unknown> };
    expect(saved.config).toMatchObject({ preset: 'modern', arch: '784-32-10', activation: 'relu', optimizer: 'adam', epochs: 2 });
  });

  it('eval prints the test accuracy and the confusion matrix', () => {
    const { status, stdout } = mnist('eval', '--checkpoint', 'run', '--test-images', '500');
    expect(status).toBe(0);
    expect(stdout).toMatch(/test accuracy \d+\.\d\d% \([\d,]+ of 500 correct\)/);
    expect(stdout).toContain('true\\pred');
    const json = JSON.parse(mnist('eval', '--checkpoint', 'run', '--test-images', '500', '--json').stdout) as { count: number; confusion: number[][] };
    expect(json.confusion.flat().reduce((a, b) => a + b, 0)).toBe(500);
  });

  it('predict classifies a PNG and --json prints the prediction and ten activations', () => {
    const { file, label } = digitPng(0);
    const { status, stdout } = mnist('predict', '--checkpoint', 'run', file, '--json');
    expect(status).toBe(0);
    const json = JSON.parse(stdout) as { prediction: number; activations: number[] };
    expect(Object.keys(json)).toEqual(['prediction', 'activations']);
    expect(json.prediction).toBe(label);
    expect(json.activations).toHaveLength(10);
    const text = mnist('predict', '--checkpoint', 'run', file).stdout;
    expect(text).toContain(`prediction: ${label}`);
    expect(text).toContain(`← ${label}`);
  });

  it('visualize writes the weight grid PNG and the curves SVG', () => {
    const { status, stdout } = mnist('visualize', '--checkpoint', 'run', '--out', 'pics/weights.png');
    expect(status).toBe(0);
    expect(stdout).toContain('32 hidden neurons');
    expect(readFileSync(join(work, 'pics', 'weights.png')).subarray(1, 4).toString()).toBe('PNG');
    expect(readFileSync(join(work, 'pics', 'curves.svg'), 'utf8')).toMatch(/^<svg[\s\S]*<polyline[\s\S]*<\/svg>\n$/);
  });
});

describe('pnpm mnist errors: one line, non-zero exit', () => {
  const fails = (args: string[], pattern: RegExp, code = 2): void => {
    const { status, stderr } = mnist(...args);
    expect(status).toBe(code);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(pattern);
  };

  it('an unknown command or flag', () => {
    fails(['trian'], /^error: unknown command 'trian' \(did you mean train\?\)/);
    fails(['train', '--epoch', '3'], /^error: unknown option --epoch \(did you mean --epochs\?\)/);
  });

  it('a bad architecture, choice or number', () => {
    fails(['train', '--arch', '784-16-16-9'], /^error: --arch must start with 784 .* and end with 10/);
    fails(['train', '--arch', '784-0-10'], /^error: --arch must be layer sizes joined by '-'/);
    fails(['train', '--activation', 'softplus'], /^error: --activation must be one of sigmoid, relu, tanh/);
    fails(['train', '--learning-rate', '-1'], /^error: --learning-rate must be a number > 0/);
    fails(['train', '--batch-size', '0'], /^error: --batch-size must be an integer ≥ 1/);
    fails(['train', '--preset', 'fancy'], /^error: --preset must be one of/);
  });

  it('a missing checkpoint', () => {
    fails(['eval', '--checkpoint', 'nowhere'], /^error: no checkpoint in .*nowhere: checkpoint\.json is missing/, 1);
  });

  it('a missing or corrupt PNG, or none at all', () => {
    writeFileSync(join(work, 'broken.png'), 'this is not a png');
    fails(['predict', '--checkpoint', 'run', 'broken.png'], /^error: .*broken\.png is not a readable PNG image/, 1);
    fails(['predict', '--checkpoint', 'run', 'absent.png'], /^error: image not found: .*absent\.png/, 1);
    fails(['predict', '--checkpoint', 'run'], /^error: predict needs an image/);
  });

  it('--help prints the options and exits 0', () => {
    const { status, stdout } = mnist('train', '--help');
    expect(status).toBe(0);
    expect(stdout).toContain('--learning-rate <number>');
    expect(stdout).toContain('classic (784-16-16-10 sigmoid, mse, sgd)');
  });
});
