// The host's steadiness, measured with fixed work: a chunk of matrix products of the baby step's sizes on one or two
// threads, timed chunk by chunk, so that the jitter of a shared machine can be told from the engine's own.
//
// tsx --conditions=@tinygpt/source src/probe.ts --threads N --chunks N --warmup N (--ms M | --reps R)
// Every thread has its own one-thread WebAssembly backend and repeats the same products: no graph,
// no allocation, no garbage, no pool barriers. With two threads, a chunk starts on both at once and
// lasts until both are done, as a training step on two threads waits for its slower half. With --ms
// the first process calibrates the repetitions per chunk to about M ms and reports them; the other
// processes of a run take that --reps, so every chunk of a run is the same work.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { createWasmBackend } from '@tinygpt/backend-wasm';

/** The product each repetition runs: the baby config's MLP input layer, (B·T = 768) × 128 by 128 × 512. */
const [M, K, N] = [768, 128, 512];

/** What a thread is told: the control words (0: chunks started, 1: threads done, 2: repetitions per chunk). */
interface ThreadData {
  control: Int32Array;
}

/** A one-thread backend and a function running `reps` products on it. */
async function workload(): Promise<(reps: number) => void> {
  const backend = await createWasmBackend({ threads: 1 });
  const [a, b, c] = [backend.alloc(M * K), backend.alloc(K * N), backend.alloc(M * N)];
  for (let i = 0; i < a.length; i++) a[i] = ((i * 7919) % 1000) / 1000 - 0.5;
  for (let i = 0; i < b.length; i++) b[i] = ((i * 104729) % 1000) / 1000 - 0.5;
  return (reps) => {
    for (let r = 0; r < reps; r++) backend.sgemm(false, false, M, N, K, a, 0, b, 0, c, 0, false);
  };
}

/** A second thread: waits for each chunk's start, runs it, counts itself done. */
async function serve(data: ThreadData): Promise<void> {
  const run = await workload();
  const { control } = data;
  run(1);
  parentPort!.postMessage('ready');
  for (let seen = 0; ; seen++) {
    Atomics.wait(control, 0, seen);
    if (Atomics.load(control, 0) < 0) return;
    run(Atomics.load(control, 2));
    Atomics.add(control, 1, 1);
    Atomics.notify(control, 1);
  }
}

/**
 * A worker running this file under tsx: Node's workers do not inherit tsx's loader, so the worker
 * imports this file through tsx's API.
 */
const workerScript = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
  .then(({ tsImport }) => tsImport(${JSON.stringify(import.meta.url)}, ${JSON.stringify(import.meta.url)}));`;

/** Waits until `control[1]` reaches `count`. */
function awaitDone(control: Int32Array, count: number): void {
  for (let done = Atomics.load(control, 1); done < count; done = Atomics.load(control, 1)) {
    Atomics.wait(control, 1, done);
  }
}

/** The flags as numbers, or exit 2. */
function parseArgs(argv: readonly string[]): Record<'threads' | 'chunks' | 'warmup' | 'ms' | 'reps', number> {
  const opts = { threads: 1, chunks: 50, warmup: 5, ms: 0, reps: 0 };
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i]!.replace(/^--/, '');
    const value = Number(argv[i + 1]);
    if (!(name in opts) || !Number.isFinite(value) || value < 0) {
      console.error(`bad argument ${argv[i]} ${argv[i + 1] ?? ''}`);
      process.exit(2);
    }
    opts[name as keyof typeof opts] = value;
  }
  if ((opts.threads !== 1 && opts.threads !== 2) || opts.ms > 0 === opts.reps > 0) {
    console.error('usage: probe.ts --threads 1|2 --chunks N --warmup N (--ms M | --reps R)');
    process.exit(2);
  }
  return opts;
}

/** Times `chunks` chunks after `warmup` untimed ones; prints `{ threads, reps, ms: [...] }`. */
async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const run = await workload();
  const control = new Int32Array(new SharedArrayBuffer(12));
  const data: ThreadData = { control };
  const workers = opts.threads === 2 ? [new Worker(workerScript, { eval: true, workerData: data })] : [];
  // Started and ready before the first chunk (a worker starts only while this thread's event loop turns).
  await Promise.all(
    workers.map(
      (worker) =>
        new Promise((resolve, reject) => {
          worker.once('message', resolve);
          worker.once('error', reject);
        }),
    ),
  );
  /** One chunk of `reps` repetitions on every thread at once; its ms. */
  const chunk = (reps: number): number => {
    const t0 = performance.now();
    Atomics.store(control, 1, 0);
    Atomics.store(control, 2, reps);
    Atomics.add(control, 0, 1);
    Atomics.notify(control, 0);
    run(reps);
    awaitDone(control, workers.length);
    return performance.now() - t0;
  };
  let reps = opts.reps;
  if (reps === 0) {
    // Compile and tier up, then time a fixed number of repetitions on all the threads.
    chunk(10);
    reps = Math.max(1, Math.round((opts.ms * 10) / chunk(10)));
  }
  const ms: number[] = [];
  for (let c = 0; c < opts.warmup + opts.chunks; c++) {
    const took = chunk(reps);
    if (c >= opts.warmup) ms.push(took);
  }
  Atomics.store(control, 0, -1);
  Atomics.notify(control, 0);
  await Promise.all(workers.map((w) => new Promise((resolve) => w.once('exit', resolve))));
  console.log(JSON.stringify({ threads: opts.threads, reps, ms }));
}

if (isMainThread) await main();
else await serve(workerData as ThreadData);
