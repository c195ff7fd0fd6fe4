// Baby-config training steps of several backend variants in one process, interleaved step by step: wall ms, CPU ms
// (all threads) and garbage-collection pauses per step, so that variants are compared under the same load.
//
// pnpm --filter @tinygpt/bench steady [-- --steps N] [--threads 1,2] [--spin 2000,50]
// Every variant is a backend of its own (threads × worker spin in µs) with its own model, built from the
// same seed; step i of every variant runs before step i + 1 of any, the order rotating, so a spell
// of other programs' work falls on all alike. Prints, per variant: the median and p90 of wall ms,
// p90 ÷ median, CPU ms per step (process time, every thread: a polling worker shows here), the ms
// of garbage collection per step and the JavaScript heap allocated per step.
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { clipGradNorm, Rng, setBackend, tidy } from '@tinygpt/autograd';
import { createWasmBackend, DEFAULT_SPIN_MICROS } from '@tinygpt/backend-wasm';
import type { WasmBackend } from '@tinygpt/backend-wasm';
import { configureOptimizer, getBatch, Gpt } from '@tinygpt/char-gpt';
import type { ConfiguredOptimizer } from '@tinygpt/char-gpt';
import { steps as spread } from './report.js';

/** The flags: steps per variant, thread counts and worker spins in µs (every combination of the two lists). */
function parseArgs(argv: readonly string[]): { steps: number; threads: number[]; spins: number[] } {
  const opts = { steps: 60, threads: [1, 2], spins: [DEFAULT_SPIN_MICROS] };
  const list = (text: string | undefined): number[] => (text ?? '').split(',').map(Number);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--steps') opts.steps = Number(argv[++i]);
    else if (arg === '--threads') opts.threads = list(argv[++i]);
    else if (arg === '--spin') opts.spins = list(argv[++i]);
    else if (arg !== '--') {
      console.error(`unknown argument ${arg}\nusage: steady [--steps N] [--threads 1,2] [--spin 2000,50]`);
      process.exit(2);
    }
  }
  const bad = [opts.steps, ...opts.threads, ...opts.spins].some((x) => !Number.isInteger(x) || x < 0);
  if (bad || opts.steps < 10) {
    console.error('--steps must be a whole number ≥ 10, --threads and --spin lists of whole numbers');
    process.exit(2);
  }
  return opts;
}

/** One contender: its backend, model, optimizer and what its steps measured. */
interface Variant {
  label: string;
  backend: WasmBackend;
  model: Gpt;
  opt: ConfiguredOptimizer;
  rng: Rng;
  wall: number[];
  cpu: number[];
  gc: number[];
  heap: number[];
  losses: number[];
}

const opts = parseArgs(process.argv.slice(2));
const config = { vocabSize: 65, blockSize: 64, nLayer: 4, nHead: 4, nEmbd: 128, dropout: 0, bias: false };
const [B, T] = [12, 64];
const data = Int32Array.from({ length: 100_000 }, (_, i) => (i * 7 + ((i * i) % 13)) % 65);
const train = { learningRate: 1e-3, weightDecay: 0.1, beta1: 0.9, beta2: 0.99 };

const variants: Variant[] = [];
for (const threads of opts.threads) {
  for (const spin of threads > 1 ? opts.spins : [0]) {
    const backend = await createWasmBackend({ threads, spinMicros: spin });
    await backend.ready();
    setBackend(backend);
    const model = new Gpt({ ...config, gelu: 'none' }, { rng: new Rng('steady') });
    const label = threads > 1 ? `${threads} threads, spin ${spin} µs` : '1 thread';
    const base = { label, backend, model, opt: configureOptimizer(model, train), rng: new Rng('batches') };
    variants.push({ ...base, wall: [], cpu: [], gc: [], heap: [], losses: [] });
  }
}

/** Garbage-collection pauses as they are reported: [start, duration] in ms since the time origin. */
const pauses: [number, number][] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) pauses.push([e.startTime, e.duration]);
}).observe({ entryTypes: ['gc'] });

/** One training step of `v`, as char-gpt's trainStep takes it; records its figures unless `warm`. */
function step(v: Variant, warm: boolean): void {
  setBackend(v.backend);
  const params = v.model.parameters();
  const heap0 = getHeapStatistics().used_heap_size;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const loss = tidy(() => {
    const { x, y, shape } = getBatch(data, B, T, v.rng);
    const l = v.model.forward(x, shape, { targets: y }).loss!;
    const value = l.item();
    l.backward();
    return value;
  });
  clipGradNorm(params, 1);
  v.opt.optimizer.step();
  v.opt.optimizer.zeroGrad();
  const t1 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  if (warm) return;
  v.wall.push(t1 - t0);
  v.cpu.push((cpu.user + cpu.system) / 1000);
  v.heap.push(getHeapStatistics().used_heap_size - heap0);
  v.losses.push(loss);
  v.gc.push(t0); // replaced by the step's pause total once the observer has reported
  v.gc.push(t1);
}

const WARMUP = 5;
for (let i = 0; i < WARMUP + opts.steps; i++) {
  for (let k = 0; k < variants.length; k++) step(variants[(i + k) % variants.length]!, i < WARMUP);
  if (i % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 0)); // let the gc observer report
}
await new Promise((resolve) => setTimeout(resolve, 50));

const median = (xs: readonly number[]): number => spread(xs).median;
console.log(`${opts.steps} steps of each variant, interleaved; ms per step (wall: median, p90, p90 ÷ median)`);
console.log(
  'variant                 | wall median | wall p90 | p90÷med | CPU ms median | GC ms/step | heap KB/step (median)',
);
for (const v of variants) {
  const windows = v.gc;
  let gc = 0;
  for (let j = 0; j < windows.length; j += 2) {
    for (const [start, d] of pauses) if (start >= windows[j]! && start < windows[j + 1]!) gc += d;
  }
  const s = spread(v.wall);
  const row = [
    v.label.padEnd(23),
    s.median.toFixed(1).padStart(11),
    s.p90.toFixed(1).padStart(8),
    s.steadiness.toFixed(2).padStart(7),
    median(v.cpu).toFixed(1).padStart(13),
    (gc / v.wall.length).toFixed(2).padStart(10),
    (median(v.heap.filter((h) => h > 0)) / 1024).toFixed(0).padStart(10),
  ];
  console.log(row.join(' | '));
  v.backend.close();
}
const first = variants[0]!.losses;
const same = variants.every((v) => v.losses.every((l, i) => l === first[i]));
console.log(`losses of all variants identical step by step: ${same}`);
