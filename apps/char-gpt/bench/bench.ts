// Measures ms per training iteration (forward, backward, clipping, AdamW — real steps of the training loop) of the
// baby and quick presets on every backend, beside nanoGPT's iteration in PyTorch + OpenBLAS in the same run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BackendConfig } from '@tinygpt/backend-wasm';
import { DatasetError, resolveCorpus } from '@tinygpt/datasets/text';
import type { Corpus } from '@tinygpt/datasets/text';
import { withBackend } from '@tinygpt/backend-wasm';
import { pretrainConfig } from '../src/cli/pretrain-config.js';
import { train } from '../src/train.js';

const WARMUP = 3;
const TIMED = 10;
/**
 * Rounds over all contenders, interleaved; each keeps its best round (the least disturbed on a
 * shared machine). Every measurement runs in a fresh process: after the js backend has filled the
 * JavaScript heap, garbage collections — which the wasm backend relies on to learn of dropped
 * tensors — cost more: the wasm steps of the quick preset measured up to 23 % slower there.
 */
const ROUNDS = 2;

const contenders: readonly { label: string; backend: BackendConfig }[] = [
  { label: 'js', backend: { backend: 'js', threads: 1 } },
  { label: 'wasm 1 thread', backend: { backend: 'wasm', threads: 1 } },
  { label: 'wasm 2 threads', backend: { backend: 'wasm', threads: 2 } },
];

/** PyTorch as the project runs it: OpenBLAS, one thread. */
const python = '/usr/bin/python3';
const torchEnv = {
  ...process.env,
  LD_LIBRARY_PATH: '/usr/lib/x86_64-linux-gnu/openblas-pthread',
  OMP_NUM_THREADS: '1',
};
const nanoGptLabel = 'nanoGPT, PyTorch + OpenBLAS, 1 thread';

/**
 * The median ms of TIMED iterations of nanoGPT's training loop after WARMUP (bench/nanogpt_step.py)
 * with the preset's shape, on the corpus saved at `corpusFile`; null, with the reason, without torch.
 */
function measureNanoGpt(preset: string, corpusFile: string): { ms: number } | { missing: string } {
  const c = pretrainConfig(['--config', preset])!;
  // prettier-ignore
  const args = [fileURLToPath(new URL('nanogpt_step.py', import.meta.url)), '--iters', String(TIMED),
    '--warmup', String(WARMUP), '--data', corpusFile, '--n-layer', String(c.nLayer), '--n-head', String(c.nHead),
    '--n-embd', String(c.nEmbd), '--block-size', String(c.blockSize), '--batch-size', String(c.batchSize * c.gradAccum),
    ...(c.bias ? ['--bias'] : [])];
  const child = spawnSync(python, args, { encoding: 'utf8', env: torchEnv });
  if (child.error) return { missing: `${python} not found` };
  if (child.status !== 0) return { missing: `${python} with torch failed: ${child.stderr.trim().split('\n').at(-1)}` };
  return { ms: median((JSON.parse(child.stdout) as { ms: number[] }).ms) };
}

/** nanoGPT's estimate_mfu numerator: 6N + 12·L·H·Q·T FLOPs per token (N without position embeddings). */
function flopsPerIter(
  params: number,
  c: { nLayer: number; nHead: number; nEmbd: number; blockSize: number; batchSize: number; gradAccum: number },
): number {
  const perToken = 6 * params + 12 * c.nLayer * c.nHead * (c.nEmbd / c.nHead) * c.blockSize;
  return perToken * c.blockSize * c.batchSize * c.gradAccum;
}

function median(xs: number[]): number {
  const s = [...xs].sort((p, q) => p - q);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** The median ms of TIMED training steps after WARMUP, on `backend`, with the model and batches made on it. */
async function measure(preset: string, backend: BackendConfig): Promise<{ ms: number; params: number }> {
  const corpus = await benchCorpus();
  const outDir = mkdtempSync(join(tmpdir(), `char-gpt-bench-${preset}-`));
  const config = {
    ...pretrainConfig(['--config', preset])!,
    outDir,
    maxIters: WARMUP + TIMED,
    evalInterval: 1_000_000,
    evalIters: 1,
    sampleChars: 0,
  };
  const steps: number[] = [];
  let params = 0;
  try {
    await withBackend(backend, () =>
      train(config, { corpus, events: { start: (info) => (params = info.params), step: ({ ms }) => steps.push(ms) } }),
    );
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
  return { ms: median(steps.slice(WARMUP)), params };
}

/** {@link measure} in a child process running this file with `--measure`. */
function measureInChild(preset: string, backend: BackendConfig): { ms: number; params: number } {
  const args = [
    '--import',
    'tsx',
    '--conditions=@tinygpt/source',
    fileURLToPath(import.meta.url),
    '--measure',
    preset,
    backend.backend,
    String(backend.threads),
  ];
  const child = spawnSync(process.execPath, args, {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(`measuring ${preset} on ${backend.backend} failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as { ms: number; params: number };
}

/** tinyshakespeare (65 characters) when it is at hand, else the bundled Moby Dick. */
async function benchCorpus(): Promise<Corpus> {
  try {
    return await resolveCorpus('tinyshakespeare');
  } catch (err) {
    if (!(err instanceof DatasetError)) throw err;
    return resolveCorpus('moby-dick');
  }
}

const pad = (text: string, width: number): string => text.padEnd(width);
const num = (value: number, width: number, digits = 1): string => value.toFixed(digits).padStart(width);

async function main(): Promise<void> {
  const corpus = await benchCorpus();
  console.log(
    `char-gpt training step: median of ${TIMED} iterations after ${WARMUP} warm-up, best of ${ROUNDS} interleaved ` +
      `rounds, each in a fresh process`,
  );
  console.log(
    `CPU: ${cpus()[0]?.model ?? 'unknown'} (${cpus().length} cores), Node ${process.version}, load average ` +
      `${loadavg()[0]!.toFixed(1)} at start; corpus ${corpus.name}`,
  );
  const work = mkdtempSync(join(tmpdir(), 'char-gpt-bench-'));
  const corpusFile = join(work, 'corpus.txt');
  writeFileSync(corpusFile, corpus.text);
  for (const preset of ['baby', 'quick']) {
    const config = pretrainConfig(['--config', preset])!;
    const best = contenders.map(() => Infinity);
    let torch: { ms: number } | { missing: string } = { missing: 'not measured' };
    let params = 0;
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, { backend }] of contenders.entries()) {
        const result = measureInChild(preset, backend);
        best[i] = Math.min(best[i]!, result.ms);
        params = result.params;
      }
      const t = measureNanoGpt(preset, corpusFile);
      if ('missing' in t || !('ms' in torch) || t.ms < torch.ms) torch = t;
    }
    const tokens = config.batchSize * config.blockSize * config.gradAccum;
    const flops = flopsPerIter(params, config);
    const js = best[0]!;
    console.log();
    console.log(
      `${preset}: ${(params / 1e6).toFixed(2)}M params, ${config.nLayer} layers, ${config.nHead} heads, ` +
        `${config.nEmbd} wide, block ${config.blockSize}, batch ${config.batchSize}: ${tokens} tokens/iter`,
    );
    console.log(
      `${pad('', 50)}${'ms/iter'.padStart(9)}${'tok/s'.padStart(8)}${'GFLOP/s'.padStart(9)}${'vs js'.padStart(9)}`,
    );
    contenders.forEach(({ label }, i) => {
      const ms = best[i]!;
      console.log(
        `${pad(label, 50)}${num(ms, 9)}${num((tokens * 1000) / ms, 8, 0)}${num(flops / ms / 1e6, 9, 2)}${num(js / ms, 8, 2)}×`,
      );
    });
    if (!('ms' in torch)) console.log(`${pad(nanoGptLabel, 50)}  skipped: ${torch.missing}`);
    else {
      const ms = torch.ms;
      const [wasm1, wasm2] = [best[1]!, best[2]!];
      console.log(
        `${pad(nanoGptLabel, 50)}${num(ms, 9)}${num((tokens * 1000) / ms, 8, 0)}${num(flops / ms / 1e6, 9, 2)}` +
          `${num(js / ms, 8, 2)}×  ` +
          `wasm ÷ nanoGPT: 1 thread ${(wasm1 / ms).toFixed(2)}×, 2 threads ${(wasm2 / ms).toFixed(2)}× the time`,
      );
      const minutes = (t: number): string => `${((config.maxIters * t) / 60_000).toFixed(1)} min`;
      console.log(
        `${config.maxIters} iterations: js ${minutes(js)}, wasm 2 threads ${minutes(wasm2)}, nanoGPT + OpenBLAS ` +
          `${minutes(ms)} (steps only, no evaluations)`,
      );
    }
  }
  rmSync(work, { recursive: true, force: true });
}

const [mode, preset, backend, threads] = process.argv.slice(2);
if (mode === '--measure')
  console.log(JSON.stringify(await measure(preset!, { backend: backend!, threads: Number(threads) })));
else await main();
