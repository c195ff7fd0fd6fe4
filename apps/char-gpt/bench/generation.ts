// Measures sampling speed: tokens/s of `generate` for the baby and quick presets' models beside nanoGPT's generate()
// on the same weights, and the CLIs' time to first token (`--json`: the baby rows as JSON).
import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as nodeModule from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '@tinygpt/autograd';
import type { BackendConfig } from '@tinygpt/backend-wasm';
import { DatasetError, resolveCorpus } from '@tinygpt/datasets/text';
import { CharTokenizer } from '@tinygpt/tokenizer';
import { modelTensors } from '../src/checkpoint/model-state.js';
import { withBackend } from '@tinygpt/backend-wasm';
import { pretrainConfig } from '../src/cli/pretrain-config.js';
import { generate, generateSamples } from '../src/generate.js';
import { formatTargets, generationTargets } from './generation-targets.js';
import type { PresetFigures } from './generation-targets.js';
import { writeExchangeDir } from '../src/interop/exchange-dir.js';
import { loadModelDir } from '../src/interop/model-dir.js';
import { Gpt } from '../src/model/gpt.js';

/** New tokens per measurement: well past the window of 64, as a user's sample is. */
const TOKENS = 1000;
/** Rounds over all contenders, interleaved; each keeps its best (the least disturbed on a shared machine). */
const ROUNDS = 4;
/** Samples of the batched-sampling row. */
const SAMPLES = 4;
const appDir = fileURLToPath(new URL('..', import.meta.url));
const repoDir = join(appDir, '..', '..');

/** PyTorch as the project runs it: OpenBLAS, one thread. */
const python = '/usr/bin/python3';
const torchEnv = {
  ...process.env,
  LD_LIBRARY_PATH: '/usr/lib/x86_64-linux-gnu/openblas-pthread',
  OMP_NUM_THREADS: '1',
};

/** One measurement: tokens/s and the greedy tokens. */
interface Rate {
  tokensPerSecond: number;
  ids: number[];
}

/** Writes the preset's model (seeded initial weights) as an exchange directory both sides load. */
async function exportPreset(preset: string, dir: string): Promise<void> {
  const config = pretrainConfig(['--config', preset])!;
  let text: string;
  try {
    text = (await resolveCorpus(config.data)).text;
  } catch (err) {
    if (!(err instanceof DatasetError)) throw err;
    text = (await resolveCorpus('moby-dick')).text; // tinyshakespeare absent: another vocabulary, the same speed
  }
  const tokenizer = CharTokenizer.fromText(text);
  const model = new Gpt({ ...config, vocabSize: tokenizer.vocabSize }, { rng: new Rng(config.seed) });
  writeExchangeDir(dir, { config: { ...model.config }, tokenizer: tokenizer.toJSON(), weights: modelTensors(model) });
}

/** Ours, in this process: greedy `generate` of TOKENS after a warm-up, or SAMPLES samples batched or one after another. */
async function measure(dir: string, backend: BackendConfig, mode: string): Promise<Rate> {
  return withBackend(backend, async () => {
    const { model, tokenizer } = await loadModelDir(dir);
    const prompt = tokenizer.encode('\n');
    const opts = { maxNewTokens: TOKENS, temperature: 0, rng: new Rng(1337) };
    await generate(model, prompt, { ...opts, maxNewTokens: 8 });
    if (mode === 'greedy') {
      const t0 = performance.now();
      const ids = await generate(model, prompt, opts);
      return { tokensPerSecond: (TOKENS * 1000) / (performance.now() - t0), ids: Array.from(ids) };
    }
    const sampled = { ...opts, maxNewTokens: TOKENS / 4, temperature: 0.8, topK: 200 };
    const t0 = performance.now();
    if (mode === 'batched') await generateSamples(model, prompt, SAMPLES, sampled);
    else for (let s = 0; s < SAMPLES; s++) await generate(model, prompt, sampled);
    return { tokensPerSecond: (SAMPLES * sampled.maxNewTokens * 1000) / (performance.now() - t0), ids: [] };
  });
}

/** Whether Linux's taskset is at hand to run a process on one core. */
const canPin = spawnSync('taskset', ['-c', '0', 'true']).status === 0;

/**
 * `command args` run on core `cpu` only (through taskset), or as it is for `cpu` null or without
 * taskset. A shared host slows one core at a time for minutes, and Linux tends to start a child
 * where its parent last ran, so an unpinned contender can meet the slow core in every round: in
 * round r every one-thread contender runs on core r mod cores, the same core for all of them.
 */
function onCore(cpu: number | null, command: string, args: string[]): [string, string[]] {
  return cpu === null || !canPin ? [command, args] : ['taskset', ['-c', String(cpu), command, ...args]];
}

/** The core of round `round`'s one-thread contenders (null: not pinned). */
const roundCore = (round: number): number | null => (canPin ? round % cpus().length : null);

/** {@link measure} in a fresh process running this file with `--measure`, on core `cpu` if given. */
function measureInChild(dir: string, backend: BackendConfig, mode: string, cpu: number | null = null): Rate {
  const args = ['--import', 'tsx', '--conditions=@tinygpt/source', fileURLToPath(import.meta.url)];
  const child = spawnSync(
    ...onCore(cpu, process.execPath, [...args, '--measure', dir, backend.backend, String(backend.threads), mode]),
    { cwd: appDir, encoding: 'utf8' },
  );
  if (child.status !== 0) throw new Error(`measuring ${mode} on ${backend.backend} failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as Rate;
}

/** nanoGPT's generate() on the exchange directory (tools/nanogpt/generate_speed.py), or null without PyTorch. */
function measureNanoGpt(dir: string, cpu: number | null = null): Rate | null {
  const script = join(appDir, 'tools', 'nanogpt', 'generate_speed.py');
  const child = spawnSync(...onCore(cpu, python, [script, dir, '--tokens', String(TOKENS)]), {
    encoding: 'utf8',
    env: torchEnv,
  });
  if (child.status !== 0) return null;
  const out = JSON.parse(child.stdout) as { tokensPerSecond: number[]; ids: number[] };
  return { tokensPerSecond: out.tokensPerSecond[0]!, ids: out.ids };
}

/** Wall-clock ms of a command that prints the first token of a sample and exits. */
function firstTokenMs(command: string, args: readonly string[]): number {
  const t0 = performance.now();
  const child = spawnSync(command, args, { cwd: repoDir, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (child.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${child.stderr}`);
  return ms;
}

/**
 * What spares pnpm from compiling its bundled JavaScript (about 8 MB) at every start, which is most
 * of its start-up: Node's own compile cache (Node ≥ 22.1), or v8-compile-cache where pnpm's
 * launcher finds it (installed globally beside pnpm: `npm install -g v8-compile-cache`).
 */
function pnpmCompileCache(): string {
  if (typeof (nodeModule as { enableCompileCache?: unknown }).enableCompileCache === 'function')
    return "Node's compile cache";
  const launcher = (process.env['PATH'] ?? '')
    .split(delimiter)
    .map((dir) => join(dir, 'pnpm'))
    .find((path) => {
      try {
        accessSync(path, constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
  try {
    if (launcher) {
      createRequire(realpathSync(launcher)).resolve('v8-compile-cache');
      return 'v8-compile-cache, beside pnpm';
    }
  } catch {
    // pnpm's launcher finds no v8-compile-cache
  }
  return 'none (`npm install -g v8-compile-cache` gives pnpm one on Node 20)';
}

const num = (value: number, width: number, digits = 0): string => value.toFixed(digits).padStart(width);

async function main(): Promise<void> {
  console.log(
    `char-gpt sampling: ${TOKENS} new tokens after "\\n", greedy, best of ${ROUNDS} interleaved rounds, each in a ` +
      `fresh process; start-up not counted; ` +
      (canPin ? 'one-thread rows on core r mod cores in round r (taskset)' : 'not pinned to cores (no taskset)'),
  );
  console.log(
    `CPU: ${cpus()[0]?.model ?? 'unknown'} (${cpus().length} cores), Node ${process.version}, load average ` +
      `${loadavg()[0]!.toFixed(1)} at start`,
  );
  const work = mkdtempSync(join(tmpdir(), 'char-gpt-bench-generation-'));
  const figures: PresetFigures[] = [];
  try {
    for (const preset of ['baby', 'quick']) {
      const dir = join(work, preset);
      await exportPreset(preset, dir);
      const contenders = [
        {
          label: 'tinygpt generate, wasm 1 thread',
          run: (cpu: number | null) => measureInChild(dir, { backend: 'wasm', threads: 1 }, 'greedy', cpu),
        },
        {
          label: 'tinygpt generate, wasm 2 threads',
          run: () => measureInChild(dir, { backend: 'wasm', threads: 2 }, 'greedy'),
        },
        {
          label: 'nanoGPT generate(), PyTorch + OpenBLAS, 1 thread',
          run: (cpu: number | null) => measureNanoGpt(dir, cpu),
        },
        {
          label: `${SAMPLES} samples one after another, wasm 1 thread`,
          run: (cpu: number | null) => measureInChild(dir, { backend: 'wasm', threads: 1 }, 'sequential', cpu),
        },
        {
          label: `${SAMPLES} samples as one batch, wasm 1 thread`,
          run: (cpu: number | null) => measureInChild(dir, { backend: 'wasm', threads: 1 }, 'batched', cpu),
        },
      ];
      const best: (Rate | null)[] = contenders.map(() => null);
      for (let round = 0; round < ROUNDS; round++) {
        contenders.forEach(({ run }, i) => {
          const rate = run(roundCore(round));
          if (rate && rate.tokensPerSecond > (best[i]?.tokensPerSecond ?? 0)) best[i] = rate;
        });
      }
      const config = pretrainConfig(['--config', preset])!;
      console.log();
      console.log(
        `${preset}: ${config.nLayer} layers, ${config.nHead} heads, ${config.nEmbd} wide, block ` +
          `${config.blockSize} (seeded initial weights, exported for both sides)`,
      );
      console.log(`${''.padEnd(52)}${'tokens/s'.padStart(9)}${'vs nanoGPT'.padStart(12)}  greedy text`);
      const nano = best[2];
      contenders.forEach(({ label }, i) => {
        const rate = best[i];
        if (!rate) return void console.log(`${label.padEnd(52)}  skipped: PyTorch not found (${python} with torch)`);
        const ratio = nano ? `${num(rate.tokensPerSecond / nano.tokensPerSecond, 10, 2)}×` : ''.padStart(11);
        const same =
          rate.ids.length === 0 || i === 2 || !nano
            ? ''
            : rate.ids.every((id, k) => id === nano.ids[k])
              ? 'identical to nanoGPT'
              : 'DIFFERS from nanoGPT';
        console.log(`${label.padEnd(52)}${num(rate.tokensPerSecond, 9)}${ratio}  ${same}`);
      });
      const identical = nano ? [best[0], best[1]].every((r) => r?.ids.every((id, k) => id === nano.ids[k])) : null;
      const [ours1, ours2] = [best[0]?.tokensPerSecond ?? 0, best[1]?.tokensPerSecond ?? 0];
      figures.push({ name: preset, ours1, ours2, nanoGpt: nano?.tokensPerSecond ?? null, identical });
    }
    const checkpoint = join(work, 'baby');
    // As a user starts them: the default --threads (one per core), and the bin on one thread beside it.
    const args = ['--checkpoint', checkpoint, '--max-new-tokens', '1'];
    const bin = 'apps/char-gpt/bin/generate.mjs';
    const launchers = [
      { label: 'node -e 0 (Node alone, for scale)', command: process.execPath, args: ['-e', '0'] },
      { label: 'pnpm -s exec true (pnpm alone, for scale)', command: 'pnpm', args: ['-s', 'exec', 'true'] },
      { label: `node ${bin}`, command: process.execPath, args: [bin, ...args] },
      { label: `node ${bin} --threads 1`, command: process.execPath, args: [bin, ...args, '--threads', '1'] },
      { label: 'pnpm generate', command: 'pnpm', args: ['generate', ...args] },
    ];
    const times = launchers.map(() => Infinity);
    for (let round = 0; round < ROUNDS; round++) {
      launchers.forEach(({ command, args: a }, i) => (times[i] = Math.min(times[i]!, firstTokenMs(command, a))));
    }
    console.log();
    console.log(
      'time to first token (whole command, --max-new-tokens 1, baby model, default threads), best of rounds:',
    );
    launchers.forEach(({ label }, i) => console.log(`${label.padEnd(52)}${num(times[i]!, 7)} ms`));
    console.log(`pnpm's compiled-code cache: ${pnpmCompileCache()}`);
    const timeOf = (label: string): number => times[launchers.findIndex((l) => l.label === label)] ?? Infinity;
    const firstToken = { bin: timeOf(`node ${bin}`), pnpm: timeOf('pnpm generate') };
    console.log();
    console.log(`speed targets, from the figures above (load average ${loadavg()[0]!.toFixed(1)} at the end):`);
    console.log(formatTargets(generationTargets(figures, firstToken)));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * `--json [rounds]`: the baby model's greedy rows only (wasm 1 and 2 threads, nanoGPT), best of `rounds` (1), as
 * one JSON object: tokens/s of each (nanoGPT null without PyTorch) and whether ours printed
 * nanoGPT's tokens. tools/bench's table of the speed targets reads it.
 */
async function jsonRows(rounds: number): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'char-gpt-bench-generation-'));
  try {
    await exportPreset('baby', work);
    const best = { ours1: 0, ours2: 0, nanoGpt: null as number | null };
    let ids: { ours1: number[]; ours2: number[]; nanoGpt: number[] } = { ours1: [], ours2: [], nanoGpt: [] };
    for (let round = 0; round < rounds; round++) {
      const ours1 = measureInChild(work, { backend: 'wasm', threads: 1 }, 'greedy', roundCore(round));
      const ours2 = measureInChild(work, { backend: 'wasm', threads: 2 }, 'greedy');
      const nano = measureNanoGpt(work, roundCore(round));
      best.ours1 = Math.max(best.ours1, ours1.tokensPerSecond);
      best.ours2 = Math.max(best.ours2, ours2.tokensPerSecond);
      if (nano) best.nanoGpt = Math.max(best.nanoGpt ?? 0, nano.tokensPerSecond);
      ids = { ours1: ours1.ids, ours2: ours2.ids, nanoGpt: nano?.ids ?? [] };
    }
    const same = (a: number[]): boolean | null =>
      ids.nanoGpt.length === 0 ? null : a.length === ids.nanoGpt.length && a.every((id, k) => id === ids.nanoGpt[k]);
    console.log(
      JSON.stringify({ tokens: TOKENS, ...best, identical: { ours1: same(ids.ours1), ours2: same(ids.ours2) } }),
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const [flag, dir, backend, threads, mode] = process.argv.slice(2);
if (flag === '--measure') {
  console.log(JSON.stringify(await measure(dir!, { backend: backend!, threads: Number(threads) }, mode!)));
} else if (flag === '--json') await jsonRows(Math.max(1, Math.floor(Number(dir ?? 1)) || 1));
else await main();
