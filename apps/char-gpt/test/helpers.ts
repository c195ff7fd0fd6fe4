// Shared fixtures of the char-gpt tests: tiny configs, a tiny corpus, scratch directories.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { GptConfig, TrainConfig } from '../src/config.js';
import { defaults } from '../src/config.js';
import { train } from '../src/train.js';

/** A model small enough to train in milliseconds. */
export const tinyModel: GptConfig = {
  vocabSize: 11,
  blockSize: 8,
  nLayer: 2,
  nHead: 2,
  nEmbd: 16,
  dropout: 0,
  bias: true,
};

/** A few kilobytes of English with a small vocabulary. */
export const tinyText = Array.from(
  { length: 60 },
  (_, i) => `the cat sat on the mat ${i % 7}. a dog ran to the log, and the cat ran too!\n`,
).join('');

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A fresh temporary directory, removed after the test file. */
export function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'char-gpt-test-'));
  dirs.push(dir);
  return dir;
}

/** Writes `text` to a file in a fresh directory and returns its path. */
export function textFile(text = tinyText, name = 'corpus.txt'): string {
  const path = join(scratchDir(), name);
  writeFileSync(path, text);
  return path;
}

/** A complete training config for a tiny run on {@link tinyText}, written into a fresh out dir. */
export function tinyRun(overrides: Partial<TrainConfig> = {}): TrainConfig {
  return {
    ...defaults,
    data: textFile(),
    outDir: join(scratchDir(), 'run'),
    nLayer: 2,
    nHead: 2,
    nEmbd: 16,
    blockSize: 8,
    batchSize: 4,
    dropout: 0,
    maxIters: 12,
    lrDecayIters: 12,
    warmupIters: 2,
    evalInterval: 5,
    evalIters: 2,
    sampleChars: 10,
    ...overrides,
  };
}

/**
 * Trains a 3-step tiny run once, before the calling file's tests, and gives its checkpoint
 * directory (to read, never to change) and `copy()`, a fresh copy of it to damage.
 */
export function trainedCheckpoint(): { dir: () => string; copy: () => string } {
  let saved = '';
  beforeAll(async () => {
    const config = tinyRun({ maxIters: 3, evalInterval: 3 });
    await train(config);
    saved = config.outDir;
  });
  const copy = (): string => {
    const dir = join(scratchDir(), 'ckpt');
    cpSync(saved, dir, { recursive: true });
    return dir;
  };
  return { dir: () => saved, copy };
}

/**
 * The Python the tests that need one run: PYTHON when set, else the first of python3 and the system's
 * /usr/bin/python3 (Debian's python3-torch) that can run `import MODULES` (e.g. 'torch'); null when
 * none can, and the tests skip, saying so.
 */
export function findPython(modules?: string): string | null {
  const candidates = process.env.PYTHON ? [process.env.PYTHON] : ['python3', '/usr/bin/python3'];
  const code = modules ? `import ${modules}` : 'pass';
  return candidates.find((python) => spawnSync(python, ['-c', code]).status === 0) ?? null;
}
