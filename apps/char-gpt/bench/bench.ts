// Measures ms per training iteration (forward, backward, clipping, AdamW — real steps of the training loop) for the baby and quick presets.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatasetError, resolveCorpus } from '@tinygpt/datasets/text';
import type { Corpus } from '@tinygpt/datasets/text';
import { pretrainConfig } from '../src/cli/pretrain-config.js';
import { train } from '../src/train.js';

const WARMUP = 3;
const TIMED = 10;

/** nanoGPT's estimate_mfu numerator: 6N + 12·L·H·Q·T FLOPs per token (N without position embeddings). */
function flopsPerIter(params: number, c: { nLayer: number; nHead: number; nEmbd: number; blockSize: number; batchSize: number; gradAccum: number }): number {
  const perToken = 6 * params + 12 * c.nLayer * c.nHead * (c.nEmbd / c.nHead) * c.blockSize;
  return perToken * c.blockSize * c.batchSize * c.gradAccum;
}

/** A naive i-k-j float32 matmul, the same-run baseline: GFLOP/s at (768×128)·(128×512), the baby MLP's shape. */
function naiveMatmulGflops(): number {
  const [M, K, N] = [768, 128, 512];
  const a = Float32Array.from({ length: M * K }, (_, i) => (i % 7) - 3);
  const b = Float32Array.from({ length: K * N }, (_, i) => (i % 5) - 2);
  const c = new Float32Array(M * N);
  const once = (): void => {
    c.fill(0);
    for (let i = 0; i < M; i++) {
      for (let k = 0; k < K; k++) {
        const aik = a[i * K + k]!;
        for (let j = 0; j < N; j++) c[i * N + j]! += aik * b[k * N + j]!;
      }
    }
  };
  once();
  const times: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    once();
    times.push(performance.now() - t0);
  }
  return (2 * M * K * N) / (median(times) / 1000) / 1e9;
}

function median(xs: number[]): number {
  const s = [...xs].sort((p, q) => p - q);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

async function measure(preset: string, corpus: Corpus): Promise<{ ms: number; params: number; tokens: number; flops: number }> {
  const outDir = mkdtempSync(join(tmpdir(), `char-gpt-bench-${preset}-`));
  const config = { ...pretrainConfig(['--config', preset])!, outDir, maxIters: WARMUP + TIMED, evalInterval: 1_000_000, evalIters: 1, sampleChars: 0 };
  const steps: number[] = [];
  let params = 0;
  try {
    await train(config, { corpus, events: { start: (info) => (params = info.params), step: ({ ms }) => steps.push(ms) } });
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
  const tokens = config.batchSize * config.blockSize * config.gradAccum;
  return { ms: median(steps.slice(WARMUP)), params, tokens, flops: flopsPerIter(params, config) };
}

async function main(): Promise<void> {
  let corpus: Corpus;
  try {
    corpus = await resolveCorpus('tinyshakespeare');
  } catch (err) {
    if (!(err instanceof DatasetError)) throw err;
    corpus = await resolveCorpus('moby-dick');
  }
  console.log(`char-gpt training step, median of ${TIMED} after ${WARMUP} warm-up iterations`);
  console.log(`CPU: ${cpus()[0]?.model ?? 'unknown'} (${cpus().length} cores), Node ${process.version}; corpus ${corpus.name}`);
  const naive = naiveMatmulGflops();
  console.log(`baseline: naive JS matmul (768×128)·(128×512): ${naive.toFixed(2)} GFLOP/s`);
  for (const preset of ['baby', 'quick']) {
    const { ms, params, tokens, flops } = await measure(preset, corpus);
    const gflops = flops / (ms / 1000) / 1e9;
    console.log(
      `${preset.padEnd(5)} ${(params / 1e6).toFixed(2)}M params, ${tokens} tokens/iter: ${ms.toFixed(1)} ms/iter, ` +
        `${Math.round((tokens * 1000) / ms)} tok/s, ${gflops.toFixed(2)} GFLOP/s = ${(gflops / naive).toFixed(1)}× the naive matmul`,
    );
    if (preset === 'baby') {
      console.log(`      2000 iterations ≈ ${((2000 * ms) / 60_000).toFixed(1)} min; nanoGPT (PyTorch 1.13 + OpenBLAS, 1 thread, on the project's 2-vCPU reference machine): 61 ms/iter → ${(ms / 61).toFixed(1)}× slower`);
    }
  }
}

await main();
