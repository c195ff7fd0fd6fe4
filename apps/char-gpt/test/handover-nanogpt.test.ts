// A run handed to nanoGPT's own train.py resumes where it stood (same val loss, the loss curve goes on), and comes
// back the same way; needs torch and a nanoGPT checkout.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@tinygpt/autograd';
import { pretrainConfig } from '../src/cli/pretrain-config.js';
import { defaults } from '../src/config.js';
import type { TrainConfig } from '../src/config.js';
import { readCheckpoint } from '../src/checkpoint/checkpoint-files.js';
import { exportRun } from '../src/interop/export-run.js';
import { readHandoverDir } from '../src/interop/handover-dir.js';
import { train } from '../src/train.js';
import type { TrainResult } from '../src/train.js';
import { findPython, scratchDir } from './helpers.js';

// NANOGPT_DIR: a checkout of karpathy/nanoGPT (train.py, model.py, configurator.py); a Python with
// torch and numpy (see findPython). Without both the tests skip, as in CI.
const NANOGPT = process.env.NANOGPT_DIR;
const PYTHON = findPython('torch, numpy');
const TOOLS = new URL('../tools/nanogpt/', import.meta.url).pathname;
const why = !NANOGPT
  ? 'NANOGPT_DIR is not set (a karpathy/nanoGPT checkout)'
  : !existsSync(join(NANOGPT, 'train.py'))
    ? `NANOGPT_DIR has no train.py`
    : !PYTHON
      ? 'no python3 here imports torch and numpy (set PYTHON)'
      : null;
if (why) console.warn(`handover-nanogpt.test.ts skipped: ${why}`);

/** python -c SRC DST: copies nanoGPT's ckpt.pt with its AdamW state emptied (the groups kept), as if freshly built. */
const STRIP_MOMENTS = [
  'import sys, torch',
  "ckpt = torch.load(sys.argv[1], map_location='cpu')",
  "ckpt['optimizer']['state'] = {}",
  'torch.save(ckpt, sys.argv[2])',
].join('\n');

/** Runs a Python script, failing the test with its output when it fails. */
function python(args: string[], cwd?: string): string {
  const out = spawnSync(PYTHON!, args, { cwd, encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
  if (out.status !== 0) throw new Error(`${args.join(' ')} failed (${out.status}):\n${out.stdout}\n${out.stderr}`);
  return out.stdout;
}

/** The bytes of a float32 array. */
function bits(data: Float32Array): Buffer {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/** A few tens of kilobytes of random words from a 19-character alphabet. */
function wordsCorpus(): string {
  const rng = new Rng(1);
  const words = 'the cat sat on a mat and dog ran to log with big red hat'.split(' ');
  return Array.from(
    { length: 800 },
    () => `${Array.from({ length: 12 }, () => words[rng.int(words.length)]).join(' ')}.\n`,
  ).join('');
}

describe.skipIf(why !== null)("nanoGPT's train.py resumes a run handed over, and hands it back", () => {
  const NANOGPT_FLAGS = ['--device=cpu', '--compile=False', '--dtype=float32'];
  let config: TrainConfig;
  let ours: TrainResult; // iterations 0–39
  let continued: TrainResult; // iterations 40–59, resumed here
  let work: string; // a nanoGPT tree: train.py, model.py, configurator.py, config/, data/, out-words/

  beforeAll(async () => {
    const data = join(scratchDir(), 'words.txt');
    writeFileSync(data, wordsCorpus());
    config = {
      ...defaults,
      data,
      outDir: join(scratchDir(), 'run'),
      nLayer: 2,
      nHead: 2,
      nEmbd: 32,
      blockSize: 32,
      batchSize: 16,
      dropout: 0,
      maxIters: 40,
      // A learning rate at which AdamW's moments matter: handed over without them, nanoGPT's first steps jump by
      // 0.25 (the control below); with them, its losses stay within the batch-to-batch noise of ours.
      learningRate: 1e-2,
      minLr: 1e-3,
      warmupIters: 10,
      lrDecayIters: 100,
      evalInterval: 20,
      evalIters: 40,
      sampleChars: 0,
    };
    ours = await train(config);
    const copy = join(scratchDir(), 'run');
    cpSync(config.outDir, copy, { recursive: true });
    continued = await train({ ...config, outDir: copy, initFrom: 'resume', maxIters: 60 });
    const handover = join(scratchDir(), 'handover');
    await exportRun(config.outDir, handover, { dataset: 'words' });
    python([join(TOOLS, 'to_nanogpt_run.py'), handover]);
    work = join(scratchDir(), 'nanogpt');
    mkdirSync(work);
    for (const file of ['train.py', 'model.py', 'configurator.py']) cpSync(join(NANOGPT!, file), join(work, file));
    cpSync(join(handover, 'nanogpt'), work, { recursive: true });
    cpSync(join(work, 'out-words'), join(work, 'handed-over'), { recursive: true });
    // The control: the same ckpt.pt without AdamW's state, as a handover of the weights alone would be.
    mkdirSync(join(work, 'weights-only'));
    python(['-c', STRIP_MOMENTS, join(work, 'handed-over', 'ckpt.pt'), join(work, 'weights-only', 'ckpt.pt')]);
  }, 600_000);

  /** nanoGPT's train.py from the handed-over ckpt.pt (or the one in `from`), with `flags`. */
  function nanoGpt(flags: string[], from = 'handed-over'): string {
    cpSync(join(work, from), join(work, 'out-words'), { recursive: true });
    return python(['train.py', 'config/resume_words.py', ...NANOGPT_FLAGS, ...flags], work);
  }

  /** nanoGPT's losses of iterations 40–59 from train.py's output, and how far they are from ours. */
  function curveGap(out: string): { theirs: number[]; first5: number; mean: number } {
    const logged = [...out.matchAll(/iter (\d+): loss ([\d.]+)/g)].slice(0, 20);
    expect(logged.map((m) => Number(m[1]))).toEqual(Array.from({ length: 20 }, (_, i) => 40 + i));
    const theirs = logged.map((m) => Number(m[2]));
    const mine = continued.losses; // iterations 40..59
    expect(mine).toHaveLength(20);
    const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    const first5 = Math.max(...theirs.slice(0, 5).map((loss, i) => Math.abs(loss - mine[i]!)));
    return { theirs, first5, mean: Math.abs(mean(theirs) - mean(mine)) };
  }

  it('--init_from=resume --eval_only=True reports the val loss of our run within 0.02, and saves our weights and moments unchanged', () => {
    const out = nanoGpt(['--eval_only=True', '--max_iters=40']);
    const match = /step 40: train loss ([\d.]+), val loss ([\d.]+)/.exec(out);
    expect(match, out).not.toBeNull();
    const ourVal = ours.evals.at(-1)!;
    expect(ourVal.iter).toBe(40);
    expect(Math.abs(Number(match![2]) - ourVal.valLoss)).toBeLessThan(0.02);
    // train.py saved ckpt.pt at that evaluation from its own model and AdamW: our weights and moments, bit for bit.
    const saved = join(scratchDir(), 'saved');
    python([
      join(TOOLS, 'from_nanogpt_run.py'),
      '--ckpt',
      join(work, 'out-words', 'ckpt.pt'),
      '--meta',
      join(work, 'data', 'words', 'meta.pkl'),
      '--out',
      saved,
    ]);
    const theirs = readHandoverDir(saved);
    const mine = readCheckpoint(config.outDir);
    expect(theirs.run.optimizer.step).toBe(40);
    for (const [name, t] of [...Object.entries(mine.model), ...Object.entries(mine.optimizer)]) {
      const other = theirs.weights[name] ?? theirs.moments[name];
      expect(other && bits(other.data).equals(bits(t.data)), name).toBe(true);
    }
  }, 300_000);

  it('20 further nanoGPT iterations continue our loss curve, and the run comes back to continue here', async () => {
    const out = nanoGpt(['--max_iters=60', '--log_interval=1']);
    const gap = curveGap(out);
    // No restart spike: each of the first five resumed losses is within 0.1 of ours at the same iteration,
    // and the mean of the 20 within 0.05.
    expect(gap.first5, gap.theirs.join(' ')).toBeLessThan(0.1);
    expect(gap.mean, gap.theirs.join(' ')).toBeLessThan(0.05);
    const mine = continued.losses;

    // nanoGPT saved ckpt.pt at its evaluation of iteration 60; bring it back and resume here.
    const val60 = Number(/step 60: train loss [\d.]+, val loss ([\d.]+)/.exec(out)?.[1]);
    const back = join(scratchDir(), 'back');
    python([
      join(TOOLS, 'from_nanogpt_run.py'),
      '--ckpt',
      join(work, 'out-words', 'ckpt.pt'),
      '--meta',
      join(work, 'data', 'words', 'meta.pkl'),
      '--out',
      back,
    ]);
    const resumed = pretrainConfig([
      '--init-from',
      'resume',
      '--out-dir',
      back,
      '--data',
      config.data,
      '--max-iters',
      '62',
    ])!;
    const result = await train(resumed);
    expect(result.evals[0]!.iter).toBe(60);
    expect(Math.abs(result.evals[0]!.valLoss - val60)).toBeLessThan(0.02);
    expect(result.losses).toHaveLength(2);
    expect(Math.abs(result.losses[0]! - mine.at(-1)!)).toBeLessThan(0.1);
  }, 600_000);

  it("the control: from the same weights without AdamW's moments, the same 20 iterations do spike", () => {
    const gap = curveGap(nanoGpt(['--max_iters=60', '--log_interval=1'], 'weights-only'));
    expect(gap.first5 >= 0.1 || gap.mean >= 0.05, `${gap.first5} ${gap.mean}: ${gap.theirs.join(' ')}`).toBe(true);
  }, 300_000);
});
