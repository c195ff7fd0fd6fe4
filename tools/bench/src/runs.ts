// The measurements behind the targets table, each in a fresh child process: the apps' own commands and benches for
// ours, PyTorch + OpenBLAS scripts for the references.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mnistDataDir } from '@tinygpt/datasets/mnist';

/** The repository's root directory. */
export const rootDir = fileURLToPath(new URL('../../..', import.meta.url));

/** PyTorch as the project runs its references: Debian's python3 with torch, OpenBLAS, one thread. */
export const python = '/usr/bin/python3';
const torchEnv = {
  ...process.env,
  LD_LIBRARY_PATH: '/usr/lib/x86_64-linux-gnu/openblas-pthread',
  OMP_NUM_THREADS: '1',
};

/** A PyTorch reference could not run (no python3, no torch): the reason, printed instead of its column. */
export class TorchMissing extends Error {}

/** torch's version when `python` imports it, else the reason it does not. */
export function torchVersion(): string | TorchMissing {
  const child = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], {
    encoding: 'utf8',
    env: torchEnv,
  });
  if (child.error) return new TorchMissing(`${python} not found`);
  if (child.status !== 0) return new TorchMissing(`${python} cannot import torch`);
  return child.stdout.trim();
}

/** Runs a command; its stdout, or an Error naming it with the end of its stderr. */
function run(command: string, args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const child = spawnSync(command, args, { cwd: opts.cwd ?? rootDir, env: opts.env, encoding: 'utf8' });
  if (child.status !== 0) {
    const why = child.error?.message ?? child.stderr.trim().split('\n').slice(-5).join('\n');
    throw new Error(`${command} ${args.join(' ')} failed:\n${why}`);
  }
  return child.stdout;
}

/** The JSON objects of a command's output, one per line (other lines ignored). */
function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The corpus the baby config trains on: tinyshakespeare where the machine keeps it, else the bundled Moby Dick. */
export function babyCorpus(): { name: string; path: string | null } {
  const env = process.env['TINYSHAKESPEARE_PATH'];
  const shared = join(rootDir, '..', 'shared', 'datasets', 'tinyshakespeare.txt');
  const path = env && existsSync(env) ? env : existsSync(shared) ? shared : null;
  return path ? { name: 'tinyshakespeare', path } : { name: 'moby-dick', path: null };
}

/** ms of each step of the baby config, warm-up dropped. */
export type StepTimes = number[];

/**
 * `pnpm pretrain --config baby` itself (its bundled command, as `pnpm pretrain` starts it) for
 * `warmup + iters` steps on `threads` threads, no evaluation or sample in between; the `ms` of
 * each step from its `--json` lines.
 */
export function babyOurs(threads: number, iters: number, warmup: number): StepTimes {
  const out = mkdtempSync(join(tmpdir(), 'tinygpt-bench-baby-'));
  const corpus = babyCorpus();
  try {
    // prettier-ignore
    const stdout = run(process.execPath, ['apps/char-gpt/bin/pretrain.mjs', '--config', 'baby',
      '--data', corpus.path ?? corpus.name, '--out-dir', out, '--threads', String(threads),
      '--max-iters', String(warmup + iters), '--eval-interval', '1000000', '--eval-iters', '1',
      '--sample-chars', '0', '--json']);
    const ms = jsonLines(stdout).flatMap((o) => (typeof o['ms'] === 'number' ? [o['ms']] : []));
    return ms.slice(warmup);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** nanoGPT's iteration in PyTorch + OpenBLAS, 1 thread (apps/char-gpt/bench/nanogpt_step.py), on the same corpus. */
export function babyTorch(iters: number, warmup: number): StepTimes {
  const corpus = babyCorpus();
  const script = join(rootDir, 'apps', 'char-gpt', 'bench', 'nanogpt_step.py');
  const data = corpus.path ? ['--data', corpus.path] : [];
  const stdout = run(python, [script, '--iters', String(iters), '--warmup', String(warmup), ...data], {
    env: torchEnv,
  });
  return jsonLines(stdout)[0]!['ms'] as number[];
}

/** A fixed-work probe's chunks: the repetitions per chunk (the same in every process of a run) and the ms of each. */
export interface Probe {
  reps: number;
  ms: number[];
}

/**
 * src/probe.ts on `threads` threads: `chunks` chunks of fixed work (baby-size matrix products, no
 * engine around them) after `warmup` untimed ones, each chunk `reps` repetitions, or, given
 * `{ ms }`, as many as take about that long (calibrated in the process, and reported).
 */
export function probe(threads: 1 | 2, chunks: number, warmup: number, work: { reps: number } | { ms: number }): Probe {
  const size = 'reps' in work ? ['--reps', String(work.reps)] : ['--ms', String(work.ms)];
  // prettier-ignore
  const args = ['--import', 'tsx', '--conditions=@tinygpt/source', 'src/probe.ts', '--threads', String(threads),
    '--chunks', String(chunks), '--warmup', String(warmup), ...size];
  const stdout = run(process.execPath, args, { cwd: join(rootDir, 'tools', 'bench') });
  const line = jsonLines(stdout)[0]!;
  return { reps: line['reps'] as number, ms: line['ms'] as number[] };
}

/** The flags of the MNIST target run: 784-128-64-10 ReLU, softmax cross-entropy, Adam 1e-3, batch 64, two epochs. */
export const mnistFlags = [
  '--preset', 'modern', '--arch', '784-128-64-10', '--learning-rate', '1e-3', '--batch-size', '64', '--epochs', '2',
] as const; // prettier-ignore

/** Seconds of a fresh process's first epoch (its JIT warm-up included) and of its second. */
export interface Epochs {
  first: number;
  second: number;
}

/** `pnpm mnist train` with {@link mnistFlags} on `threads` threads: the `seconds` its `--json` lines report. */
export function mnistOurs(threads: number): Epochs {
  const out = mkdtempSync(join(tmpdir(), 'tinygpt-bench-mnist-'));
  try {
    const args = ['--silent', 'mnist', 'train', ...mnistFlags, '--test-images', '1000', '--json'];
    const stdout = run('pnpm', [...args, '--threads', String(threads), '--out-dir', out]);
    const [first, second] = jsonLines(stdout).map((line) => line['seconds'] as number);
    return { first: first!, second: second! };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** The same epochs in PyTorch + OpenBLAS, 1 thread (apps/mnist-mlp/bench/torch_epoch.py), on the same files and split. */
export function mnistTorch(): Epochs {
  const script = join(rootDir, 'apps', 'mnist-mlp', 'bench', 'torch_epoch.py');
  const args = [script, mnistDataDir(), '--arch', '784-128-64-10', '--batch-size', '64', '--epochs', '2'];
  const stdout = run(python, args, { env: torchEnv });
  const [first, second] = jsonLines(stdout)[0]!['seconds'] as number[];
  return { first: first!, second: second! };
}

/** GFLOP/s of packages/backend-wasm/bench/matmul-target.ts. */
export interface Matmul {
  size: number;
  relaxedSimd: boolean;
  tfjs: { version: string; simd: boolean; threads: number };
  peak1: number;
  peak2: number;
  ours1: number;
  ours2: number;
  tfjs1: number;
}

/** Matmul 512² of ours on 1 and 2 threads, tfjs-backend-wasm on 1, and the 1- and 2-core peaks. */
export function matmul(): Matmul {
  const args = ['--import', 'tsx', '--conditions=@tinygpt/source', 'bench/matmul-target.ts', '--json'];
  const stdout = run(process.execPath, args, { cwd: join(rootDir, 'packages', 'backend-wasm') });
  return jsonLines(stdout)[0] as unknown as Matmul;
}

/** tokens/s of apps/char-gpt/bench/generation.ts --json: the baby model, 1,000 greedy tokens. */
export interface Generation {
  tokens: number;
  ours1: number;
  ours2: number;
  nanoGpt: number | null;
  identical: { ours1: boolean | null; ours2: boolean | null };
}

/**
 * Rounds of the generation contenders inside one measurement, interleaved, each keeping its best (as
 * `bench:generation` does): one 1,000-token sample lasts 3–7 s, short enough for a shared host's
 * passing load to swing a single one by a quarter. The one-thread contenders take turns on the
 * cores, all on the same core in a round, so four rounds give each core two.
 */
export const GENERATION_ROUNDS = 4;

/** Ours on 1 and 2 threads and nanoGPT's generate() on the same weights (null without PyTorch). */
export function generation(): Generation {
  const args = [
    '--import',
    'tsx',
    '--conditions=@tinygpt/source',
    'bench/generation.ts',
    '--json',
    String(GENERATION_ROUNDS),
  ];
  const stdout = run(process.execPath, args, { cwd: join(rootDir, 'apps', 'char-gpt') });
  return jsonLines(stdout)[0] as unknown as Generation;
}
