// Benchmarks @tinygpt/autograd: sgemm GFLOP/s beside a naive i-k-j loop, and ms per MLP training step.
//
// Run: pnpm --filter @tinygpt/autograd bench
// Every figure is the median of several timed samples after a warm-up; the baselines are measured in the same
// run, interleaved sample by sample with what they are compared to, so the ratios hold on a busy machine.
// Time is this process's CPU time (process.cpuUsage), so other processes sharing the cores do not count
// against it; the last line says how much longer the wall clock took. The MLP row runs each kernel in fresh
// processes, taken in turn, and prints every process's figure: see mlpRow.

import { spawnSync } from 'node:child_process';
import { arch, cpus, platform } from 'node:os';
import { fileURLToPath } from 'node:url';
import { sgemm } from '../src/backend/cpu/matmul.js';
import { naiveSgemm } from '../src/backend/cpu/matmul-reference.js';
import { AdamW, Linear, Rng, cpuBackend, crossEntropy, randn, relu, setBackend } from '../src/index.js';
import type { Tensor } from '../src/index.js';

/** Timed samples per figure; the median is reported. */
const SAMPLES = 7;
/** Each sample repeats the work until it lasts at least this long. */
const SAMPLE_MS = 80;
/** Before timing, every workload runs at least this many times and for at least this much CPU time. */
const WARMUP_RUNS = 5;
const WARMUP_MS = 400;

/** The textbook loop every JavaScript matmul starts as: C = A·B, i-k-j order, inner loop over contiguous j. */
function ikjMatmul(M: number, N: number, K: number, a: Float32Array, b: Float32Array, c: Float32Array): void {
  c.fill(0, 0, M * N);
  for (let i = 0; i < M; i++) {
    for (let k = 0; k < K; k++) {
      const aik = a[i * K + k]!;
      const bRow = k * N;
      const cRow = i * N;
      for (let j = 0; j < N; j++) c[cRow + j]! += aik * b[bRow + j]!;
    }
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** A workload to time: `run` once is one unit (one matmul, one training step). */
interface Workload {
  run: () => void;
  reps: number;
  samples: number[];
}

/** CPU time of this process in ms (all threads; the work here runs on the main thread). */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

let totalCpuMs = 0;
let totalWallMs = 0;

/**
 * Warms the workloads up in turn until each has run WARMUP_RUNS times and for WARMUP_MS of CPU time, sizes
 * its samples to SAMPLE_MS from its last warm-up runs, then times them in turn; returns median ms per unit.
 */
function timeInterleaved(runs: (() => void)[]): number[] {
  const spent = runs.map(() => [] as number[]);
  while (spent.some((ms) => ms.length < WARMUP_RUNS || ms.reduce((a, b) => a + b, 0) < WARMUP_MS)) {
    runs.forEach((run, i) => {
      const t0 = cpuMs();
      run();
      spent[i]!.push(cpuMs() - t0);
    });
  }
  const loads: Workload[] = runs.map((run, i) => {
    const perRun = median(spent[i]!.slice(-3));
    return { run, reps: Math.max(1, Math.ceil(SAMPLE_MS / perRun)), samples: [] };
  });
  for (let s = 0; s < SAMPLES; s++) {
    for (const w of loads) {
      const wall0 = performance.now();
      const t0 = cpuMs();
      for (let r = 0; r < w.reps; r++) w.run();
      const dt = cpuMs() - t0;
      totalCpuMs += dt;
      totalWallMs += performance.now() - wall0;
      w.samples.push(dt / w.reps);
    }
  }
  return loads.map((w) => median(w.samples));
}

function randomMatrix(n: number, rng: Rng): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = rng.random() * 2 - 1;
  return x;
}

const gflops = (M: number, N: number, K: number, ms: number): number => (2 * M * N * K) / ms / 1e6;
const fmt = (x: number, digits = 2): string => x.toFixed(digits);

/** The sgemm tables: GFLOP/s beside the naive i-k-j loop, and by layout. */
function matmulTables(): void {
  const rng = new Rng(1234);

  console.log('| C = A·B, float32 (M×K · K×N) | sgemm GFLOP/s | naive i-k-j GFLOP/s | speed-up |');
  console.log('| --- | ---: | ---: | ---: |');
  const shapes: [number, number, number, string][] = [
    [64, 64, 32, '64×32 · 32×64 (one attention head)'],
    [128, 128, 128, '128×128 · 128×128'],
    [256, 256, 256, '256×256 · 256×256'],
    [512, 512, 512, '512×512 · 512×512'],
    [768, 512, 128, '768×128 · 128×512'],
  ];
  for (const [M, N, K, label] of shapes) {
    const a = randomMatrix(M * K, rng);
    const b = randomMatrix(K * N, rng);
    const c = new Float32Array(M * N);
    const [fast, naive] = timeInterleaved([
      () => sgemm(false, false, M, N, K, a, 0, b, 0, c, 0, false),
      () => ikjMatmul(M, N, K, a, b, c),
    ]);
    console.log(
      `| ${label} | ${fmt(gflops(M, N, K, fast!))} | ${fmt(gflops(M, N, K, naive!))} | ${fmt(naive! / fast!, 1)}× |`,
    );
  }

  console.log('\n| sgemm layout, 512×512 · 512×512 | GFLOP/s |');
  console.log('| --- | ---: |');
  {
    const n = 512;
    const a = randomMatrix(n * n, rng);
    const b = randomMatrix(n * n, rng);
    const c = new Float32Array(n * n);
    const layouts: [boolean, boolean, string][] = [
      [false, false, 'A·B (NN)'],
      [false, true, 'A·Bᵀ (NT, as in linear layers)'],
      [true, false, 'Aᵀ·B (TN, as in weight gradients)'],
    ];
    const times = timeInterleaved(
      layouts.map(
        ([tA, tB]) =>
          () =>
            sgemm(tA, tB, n, n, n, a, 0, b, 0, c, 0, false),
      ),
    );
    layouts.forEach(([, , label], i) => console.log(`| ${label} | ${fmt(gflops(n, n, n, times[i]!))} |`));
  }
}

/** The two kernels the MLP row compares. */
const MLP_KERNELS = {
  sgemm: { label: 'with sgemm', kernel: sgemm },
  naive: { label: 'with the naive reference sgemm (one dot product per entry)', kernel: naiveSgemm },
};
type MlpKernel = keyof typeof MLP_KERNELS;
/** Processes per kernel, taken in turn (sgemm, naive, sgemm, …); the row reports the median of their medians. */
const MLP_ROUNDS = 3;

/**
 * Times one training step of the MNIST MLP (forward, softmax cross-entropy, backward, AdamW) on `kernel` in
 * this process, counting the sgemm calls it makes, and prints the result as one JSON line for the parent.
 */
function mlpStep(kernel: MlpKernel): void {
  const B = 64;
  const mlpRng = new Rng(42);
  const fc1 = new Linear(784, 128, { rng: mlpRng });
  const fc2 = new Linear(128, 64, { rng: mlpRng });
  const fc3 = new Linear(64, 10, { rng: mlpRng });
  const opt = new AdamW([...fc1.parameters(), ...fc2.parameters(), ...fc3.parameters()], { lr: 1e-3 });
  const x = randn([B, 784], mlpRng);
  const targets = new Int32Array(B);
  for (let i = 0; i < B; i++) targets[i] = mlpRng.int(10);
  let [steps, calls] = [0, 0];
  const run = MLP_KERNELS[kernel].kernel;
  setBackend({ ...cpuBackend, name: kernel, sgemm: (...args: Parameters<typeof sgemm>) => (calls++, run(...args)) });
  const [ms] = timeInterleaved([
    () => {
      const logits: Tensor = fc3.forward(relu(fc2.forward(relu(fc1.forward(x))))); // (B, 10)
      const loss = crossEntropy(logits, targets);
      opt.zeroGrad();
      loss.backward();
      opt.step();
      steps++;
    },
  ]);
  console.log(JSON.stringify({ ms, callsPerStep: calls / steps, cpuMs: totalCpuMs, wallMs: totalWallMs }));
}

/**
 * The MLP row, each kernel in processes of its own, taken in turn, reported as the median of the processes'
 * medians beside each process's figure. One process, alternating the kernels, reported the two alike in some
 * runs: not because a row ran the other's kernel (counting the calls shows each ran its own), but
 * because in about one fresh process in five on a busy machine the fast step stays near 70 ms instead of ~11
 * (a JIT outcome: it happens with one kernel per process too, and a longer warm-up does not remove it).
 */
function mlpRow(): void {
  const medians: Record<MlpKernel, number[]> = { sgemm: [], naive: [] };
  const callsPerStep = new Set<number>();
  for (let round = 0; round < MLP_ROUNDS; round++) {
    for (const kernel of Object.keys(MLP_KERNELS) as MlpKernel[]) {
      const args = [...process.execArgv, fileURLToPath(import.meta.url), `--mlp-step=${kernel}`];
      const child = spawnSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
      if (child.status !== 0) throw new Error(`the MLP step on ${kernel} failed (exit ${child.status})`);
      const out = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Record<string, number>;
      medians[kernel].push(out.ms!);
      callsPerStep.add(out.callsPerStep!);
      totalCpuMs += out.cpuMs!;
      totalWallMs += out.wallMs!;
    }
  }
  // Every step makes the same sgemm calls whichever kernel it runs on: anything else would time different work.
  if (callsPerStep.size !== 1) throw new Error(`MLP row: sgemm calls per step differ: ${[...callsPerStep].join(', ')}`);
  const [fast, naive] = [median(medians.sgemm), median(medians.naive)];
  console.log('\n| MLP 784-128-64-10 (ReLU), batch 64: forward + backward + AdamW | ms/step | speed-up |');
  console.log('| --- | ---: | ---: |');
  console.log(`| ${MLP_KERNELS.sgemm.label} | ${fmt(fast)} | ${fmt(naive / fast, 1)}× |`);
  console.log(`| ${MLP_KERNELS.naive.label} | ${fmt(naive)} | 1.0× |`);
  console.log(
    `\n(${[...callsPerStep][0]} sgemm calls per step, counted on each kernel; median of ${MLP_ROUNDS} processes per kernel, ` +
      `taken in turn: ${medians.sgemm.map((m) => fmt(m)).join(', ')} and ${medians.naive.map((m) => fmt(m)).join(', ')} ms.)`,
  );
}

const mlpStepArg = process.argv.find((arg) => arg.startsWith('--mlp-step='));
if (mlpStepArg) {
  mlpStep(mlpStepArg.slice('--mlp-step='.length) as MlpKernel);
  process.exit(0);
}
const cpu = cpus();
console.log('## @tinygpt/autograd benchmark\n');
console.log(
  `CPU: ${cpu[0]?.model.trim() ?? 'unknown'} (${cpu.length} logical cores) · Node ${process.version} · ${platform()} ${arch()}`,
);
console.log(
  `Median of ${SAMPLES} samples (each ≥ ${SAMPLE_MS} ms of CPU time) after warm-up; GFLOP/s = 2·M·N·K / CPU time; one thread.\n`,
);
if (!process.argv.includes('--mlp-row')) matmulTables();
mlpRow();
console.log(
  `\nThe timed samples took ${fmt(totalCpuMs / 1000, 1)} s of CPU time and ${fmt(totalWallMs / 1000, 1)} s of wall-clock time ` +
    `(${fmt(totalWallMs / totalCpuMs, 2)}× — above 1 when other processes shared the cores).`,
);
