// Benchmarks the WebAssembly backend against TensorFlow.js's WASM backend and the pure-TypeScript backend, side by side in one run.
//
// pnpm bench [-- --threads 2] [--quick] [--only matmul|mnist|gpt]
// Prints the machine's SIMD peak; matmul GFLOP/s (ours on 1 and N threads, tfjs-backend-wasm, the
// CPU backend) with ratios and fractions of peak; ms per training step of the MNIST 784-128-64-10
// MLP and of nanoGPT's baby GPT. Contenders run in interleaved rounds; each keeps its best round.
import os from 'node:os';
import { AdamW, clipGradNorm, cpuBackend, crossEntropy, Rng, setBackend, tensor, tidy } from '@tinygpt/autograd';
import type { Backend } from '@tinygpt/autograd';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { createWasmBackend } from '../src/index.js';
import type { WasmBackend } from '../src/index.js';
import { Gpt, Mlp } from './models.js';
import { race } from './timing.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const threads = Number(flag('threads') ?? 2);
const quick = args.includes('--quick');
const only = flag('only');
if (!Number.isInteger(threads) || threads < 1) {
  console.error(`--threads must be a positive integer, got ${flag('threads')}`);
  process.exit(1);
}
if (only !== undefined && !['matmul', 'mnist', 'gpt'].includes(only)) {
  console.error(`--only must be matmul, mnist or gpt, got ${only}`);
  process.exit(1);
}

const pad = (s: string | number, n: number): string => String(s).padStart(n);
const fixed = (x: number, d = 1): string => x.toFixed(d);

/**
 * Like `race` for training steps, each step in a `tidy` scope as the apps take it (every tensor of
 * the step freed at its end, no event-loop turn); returns each contender's best mean ms per step.
 */
function raceSteps(contenders: Record<string, () => void>, rounds: number, steps: number): Record<string, number> {
  const best: Record<string, number> = {};
  for (let r = 0; r <= rounds; r++) {
    for (const [name, step] of Object.entries(contenders)) {
      const n = r === 0 ? Math.max(2, steps >> 1) : steps; // round 0 warms up
      let total = 0;
      for (let s = 0; s < n; s++) {
        const t0 = performance.now();
        tidy(step);
        total += performance.now() - t0;
      }
      if (r > 0) best[name] = Math.min(best[name] ?? Infinity, total / n);
    }
  }
  return best;
}

function benchMatmul(one: WasmBackend, many: WasmBackend, peak: number): void {
  const T = many.threads;
  console.log('matmul C = A·B, float32, GFLOP/s');
  console.log(
    `${'size'.padEnd(18)}${pad('ours 1T', 9)}${pad(`ours ${T}T`, 9)}${pad('tfjs-wasm', 11)}${pad('TS cpu', 8)}` +
      `${pad('1T/tfjs', 9)}${pad(`${T}T/1T`, 7)}${pad('1T/peak', 9)}${pad(`${T}T/${T}·peak`, 12)}`,
  );
  const sizes: [number, number, number][] = [
    [128, 128, 128],
    [256, 256, 256],
    [512, 512, 512],
    [768, 512, 128],
  ];
  for (const [M, N, K] of sizes) {
    const rng = new Rng(`matmul-${M}`);
    const a = Float32Array.from({ length: M * K }, () => rng.normal());
    const b = Float32Array.from({ length: K * N }, () => rng.normal());
    const place = (be: WasmBackend) => {
      const [wa, wb, wc] = [be.alloc(M * K), be.alloc(K * N), be.alloc(M * N)];
      wa.set(a);
      wb.set(b);
      return [wa, wb, wc] as const;
    };
    const [a1, b1, c1] = place(one);
    const [a2, b2, c2] = place(many);
    const c = new Float32Array(M * N);
    const ta = tf.tensor2d(a, [M, K]);
    const tb = tf.tensor2d(b, [K, N]);
    const ms = quick ? 60 : 250;
    const t = race(
      {
        ours1: () => one.sgemm(false, false, M, N, K, a1, 0, b1, 0, c1, 0, false),
        oursN: () => many.sgemm(false, false, M, N, K, a2, 0, b2, 0, c2, 0, false),
        tfjs: () => tf.matMul(ta, tb).dispose(),
      },
      quick ? 3 : 7,
      ms,
    );
    // The TypeScript kernel is an order of magnitude slower: two rounds are plenty.
    t['cpu'] = race({ cpu: () => cpuBackend.sgemm(false, false, M, N, K, a, 0, b, 0, c, 0, false) }, 2, ms)['cpu']!;
    const g = (name: string) => (2 * M * N * K) / t[name]! / 1e6;
    const [g1, gN, gt, gc] = [g('ours1'), g('oursN'), g('tfjs'), g('cpu')];
    console.log(
      `${`${M}×${K}·${K}×${N}`.padEnd(18)}${pad(fixed(g1), 9)}${pad(fixed(gN), 9)}${pad(fixed(gt), 11)}${pad(fixed(gc, 2), 8)}` +
        `${pad(`${fixed(g1 / gt, 2)}×`, 9)}${pad(`${fixed(gN / g1, 2)}×`, 7)}${pad(`${fixed((100 * g1) / peak, 0)}%`, 9)}` +
        `${pad(`${fixed((100 * gN) / (peak * T), 0)}%`, 12)}`,
    );
    [a1, b1, c1].forEach((x) => one.free(x));
    [a2, b2, c2].forEach((x) => many.free(x));
    ta.dispose();
    tb.dispose();
  }
  benchOneRow(one);
}

/** One row times a weight matrix read transposed (x·Wᵀ, a sampled token's step): ours (gemv) beside the packed sgemm kernel. */
function benchOneRow(one: WasmBackend): void {
  console.log('\none row, x·Wᵀ, 1 thread, µs: gemv (what sgemm runs for M = 1) beside the packed sgemm kernel');
  const { runtime } = one;
  const at = (t: Float32Array): number => runtime.heap.addressOf(t);
  const work = one.alloc(runtime.kernels.sgemmWorkspaceBytes() / 4);
  for (const [N, K] of [
    [512, 128],
    [2304, 768],
    [50304, 768],
  ] as const) {
    const rng = new Rng(`gemv-${N}`);
    const [x, w, y] = [one.alloc(K), one.alloc(N * K), one.alloc(N)];
    for (const t of [x, w]) for (let i = 0; i < t.length; i++) t[i] = rng.normal();
    const t = race(
      {
        gemv: () => one.sgemm(false, true, 1, N, K, x, 0, w, 0, y, 0, false),
        packed: () => runtime.kernels.sgemm(0, 1, 1, N, K, at(x), K, at(w), K, at(y), N, 0, at(work)),
      },
      quick ? 3 : 7,
      quick ? 60 : 200,
    );
    const [gemv, packed] = [t['gemv']! * 1000, t['packed']! * 1000];
    console.log(
      `${`1×${K}·(${N}×${K})ᵀ`.padEnd(22)}${pad(fixed(gemv), 9)}${pad(fixed(packed), 10)}${pad(`${fixed(packed / gemv, 2)}×`, 8)}`,
    );
    [x, w, y].forEach((a) => one.free(a));
  }
  one.free(work);
}

const B = 64;
const stepsPerEpoch = Math.floor(60000 / B);

async function benchMnist(one: WasmBackend, many: WasmBackend): Promise<void> {
  const rng = new Rng('mnist-data');
  const images = Array.from({ length: 8 }, () => Float32Array.from({ length: B * 784 }, () => rng.random()));
  const labels = Array.from({ length: 8 }, () => Int32Array.from({ length: B }, () => rng.int(10)));

  /** One training step on `backend`, as apps/mnist-mlp takes it: batch in, forward, loss read, backward, Adam. */
  const ours = (backend: Backend): (() => void) => {
    setBackend(backend);
    const model = new Mlp([784, 128, 64, 10], new Rng(1));
    const opt = new AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0 });
    let i = 0;
    return () => {
      setBackend(backend);
      const loss = crossEntropy(model.forward(tensor(images[i % 8]!, [B, 784])), labels[i % 8]!);
      loss.item();
      loss.backward();
      opt.step();
      opt.zeroGrad();
      i++;
    };
  };

  /**
   * The same step on tfjs-backend-wasm, the backward pass written out in tfjs-core ops (tfjs-core's
   * Node bundle registers no gradients; written out, it is also leaner than tfjs's autodiff).
   */
  const tfjs = (): (() => void) => {
    const sizes = [784, 128, 64, 10];
    const w = [0, 1, 2].map((l) =>
      tf.variable(
        tf.randomNormal([sizes[l]!, sizes[l + 1]!], 0, Math.sqrt(2 / sizes[l]!), 'float32', l + 1),
        true,
        `w${l}`,
      ),
    );
    const b = [0, 1, 2].map((l) => tf.variable(tf.zeros([sizes[l + 1]!]), true, `b${l}`));
    const opt = tf.train.adam(1e-3);
    let i = 0;
    return () => {
      tf.tidy(() => {
        const x = tf.tensor2d(images[i % 8]!, [B, 784]);
        const y = tf.oneHot(tf.tensor1d(labels[i % 8]!, 'int32'), 10);
        const z1 = tf.add(tf.matMul(x, w[0]!), b[0]!);
        const h1 = tf.relu(z1);
        const z2 = tf.add(tf.matMul(h1, w[1]!), b[1]!);
        const h2 = tf.relu(z2);
        const logp = tf.logSoftmax(tf.add(tf.matMul(h2, w[2]!), b[2]!));
        tf.neg(tf.mean(tf.sum(tf.mul(y, logp), 1))).dataSync(); // the loss, read as the apps do
        const dz3 = tf.div(tf.sub(tf.exp(logp), y), B);
        const dz2 = tf.mul(tf.matMul(dz3, w[2]!, false, true), tf.step(z2));
        const dz1 = tf.mul(tf.matMul(dz2, w[1]!, false, true), tf.step(z1));
        opt.applyGradients({
          w2: tf.matMul(h2, dz3, true, false),
          b2: tf.sum(dz3, 0),
          w1: tf.matMul(h1, dz2, true, false),
          b1: tf.sum(dz2, 0),
          w0: tf.matMul(x, dz1, true, false),
          b0: tf.sum(dz1, 0),
        });
      });
      i++;
    };
  };

  console.log(
    `\nMNIST 784-128-64-10 ReLU MLP, batch ${B}, Adam: ms per training step, s per epoch (${stepsPerEpoch} steps)`,
  );
  const t = raceSteps(
    { 'TS cpu': ours(cpuBackend), 'tfjs-wasm': tfjs(), 'ours 1T': ours(one), [`ours ${many.threads}T`]: ours(many) },
    quick ? 2 : 5,
    quick ? 30 : 100,
  );
  for (const [name, ms] of Object.entries(t)) {
    console.log(
      `${name.padEnd(12)}${pad(fixed(ms, 2), 8)} ms/step${pad(fixed((ms * stepsPerEpoch) / 1000, 2), 8)} s/epoch` +
        `${pad(fixed(t['tfjs-wasm']! / ms, 2), 8)}× tfjs-wasm`,
    );
  }
}

async function benchGpt(one: WasmBackend, many: WasmBackend): Promise<void> {
  const shape = { vocabSize: 65, blockSize: 64, nLayer: 4, nHead: 4, nEmbd: 128 };
  const batch = 12;
  const T = shape.blockSize;

  /** One nanoGPT iteration on `backend`: forward, loss, backward, clip 1.0, AdamW (0.9, 0.99, wd 0.1). */
  const trainer = (backend: Backend): (() => void) => {
    setBackend(backend);
    const rng = new Rng(1337);
    const model = new Gpt(shape, rng);
    const params = model.parameters();
    const opt = new AdamW(params, { lr: 1e-3, betas: [0.9, 0.99], weightDecay: 0.1 });
    const ids = Int32Array.from({ length: batch * T }, () => rng.int(shape.vocabSize));
    const targets = Int32Array.from({ length: batch * T }, () => rng.int(shape.vocabSize));
    return () => {
      setBackend(backend);
      const loss = model.loss(ids, targets, batch, T);
      loss.item();
      loss.backward();
      clipGradNorm(params, 1.0);
      opt.step();
      opt.zeroGrad();
    };
  };

  console.log(`\nnanoGPT baby config (4 layers, 4 heads, 128 dims, block 64, batch ${batch}): ms per iteration`);
  const contenders: Record<string, () => void> = { 'ours 1T': trainer(one), [`ours ${many.threads}T`]: trainer(many) };
  if (!quick) contenders['TS cpu'] = trainer(cpuBackend);
  const t = raceSteps(contenders, quick ? 1 : 3, quick ? 5 : 15);
  for (const [name, ms] of Object.entries(t)) console.log(`${name.padEnd(12)}${pad(fixed(ms, 1), 8)} ms/iter`);
  console.log('PyTorch + OpenBLAS on the same model, measured in the same run: `pnpm --filter @tinygpt/bench bench`');
}

await tf.setBackend('wasm');
await tf.ready();
const one = await createWasmBackend({ threads: 1 });
const many = await createWasmBackend({ threads });
await many.ready();
console.log(
  `machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.versions.node}, ` +
    `load ${os.loadavg()[0]!.toFixed(1)}`,
);
console.log(
  `ours: ${many.threads} thread(s) (asked ${threads}); tfjs-backend-wasm ${tf.version_core}: ` +
    `SIMD ${tf.env().getBool('WASM_HAS_SIMD_SUPPORT')}, ${tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') ? 'threads' : '1 thread'}`,
);
const peak = one.runtime.peakGflops(quick ? 2_000_000 : 10_000_000);
console.log(`peak: ${fixed(peak)} GFLOP/s per core (f32x4 multiply + add, independent chains, no memory traffic)\n`);
if (only === undefined || only === 'matmul') benchMatmul(one, many, peak);
if (only === undefined || only === 'mnist') await benchMnist(one, many);
if (only === undefined || only === 'gpt') await benchGpt(one, many);
console.log(`\nmemory of ours ${many.threads}T at the end: ${JSON.stringify(many.memoryStats())}`);
one.close();
many.close();
