// Worker threads sharing the kernels' memory: a job is cut into chunks that the main thread and the workers claim as they come free.

import type { KernelExports, Ptr, ThreadedKernel } from './module.js';
import { threadedKernels } from './module.js';
import {
  ARGS_AT,
  CHUNK_BITS,
  CHUNK_MASK,
  CTL,
  MAX_ARGS,
  MAX_OFFSETS,
  TAG_MASK,
  workerSource,
} from './worker-source.js';

/** The little of a Node `worker_threads.Worker` or a browser `Worker` the pool uses. */
interface WorkerHandle {
  postMessage(message: unknown): void;
  terminate(): unknown;
}

/** `node:worker_threads` as far as the pool needs it. */
interface NodeWorkerThreads {
  Worker: new (
    source: string,
    options: { eval: true },
  ) => WorkerHandle & {
    once(event: 'message' | 'error', listener: (value: unknown) => void): void;
    on(event: 'message' | 'error', listener: (value: unknown) => void): void;
    unref(): void;
  };
}

/**
 * `node:worker_threads` through `process.getBuiltinModule` (Node ≥ 20.16): the way code that also
 * runs in browsers reaches a Node built-in without importing it. Null outside Node.
 */
function nodeWorkerThreads(): NodeWorkerThreads | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const load = proc?.getBuiltinModule;
  return typeof load === 'function' ? (load.call(proc, 'node:worker_threads') as NodeWorkerThreads) : null;
}

/**
 * Starts one worker running `workerSource`: its handle at once (so it can be terminated at any time),
 * and `ready`, which resolves once it has instantiated the kernels and serves jobs.
 */
function startWorker(init: Record<string, unknown>): { handle: WorkerHandle; ready: Promise<void> } {
  const node = nodeWorkerThreads();
  if (node) {
    const worker = new node.Worker(workerSource, { eval: true });
    const ready = new Promise<void>((resolve, reject) => {
      worker.once('message', () => {
        // Idle workers must not keep a finished Node program alive. Adding a 'message' listener refs
        // the worker again, so unref only after the listeners are in place.
        worker.unref();
        resolve();
      });
      worker.on('error', (error) => reject(error instanceof Error ? error : new Error(String(error))));
      worker.on('message', (message) => {
        if (message !== 'ready') console.error(`backend-wasm worker: ${String(message)}`);
      });
    });
    worker.postMessage(init);
    return { handle: worker, ready };
  }
  if (typeof Worker !== 'undefined') {
    const url = URL.createObjectURL(new Blob([workerSource], { type: 'text/javascript' }));
    const worker = new Worker(url);
    const ready = new Promise<void>((resolve, reject) => {
      worker.onmessage = (event: MessageEvent) => {
        if (event.data === 'ready') resolve();
        else console.error(`backend-wasm worker: ${String(event.data)}`);
      };
      worker.onerror = (event) => reject(new Error(`worker failed to start: ${event.message}`));
    });
    worker.postMessage(init);
    return { handle: worker, ready };
  }
  throw new Error('no worker threads in this environment');
}

/** Whether this thread may block in Atomics.wait (Node's main thread may; a browser's may not). */
function canBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/** How a job cuts its arguments into chunks. */
export interface ChunkPlan {
  /** Items in all (rows, elements, columns). */
  total: number;
  /** Items per chunk (the last may have fewer). */
  chunk: number;
  /** Index of the argument that gets a chunk's item count. */
  countArg: number;
  /** Index of the argument that gets the running thread's scratch address, if any. */
  workArg?: number;
  /** [argument index, bytes per item]: those arguments move forward by start·bytes for a chunk. */
  offsets: readonly (readonly [number, number])[];
}

/**
 * The calling thread plus `threads − 1` workers. `run` posts one job, claims chunks itself like
 * any worker, and returns when every chunk is done. On a machine shared with other programs a
 * descheduled worker just claims fewer chunks, instead of making everyone wait for its half; a
 * worker still starting claims none, so the first jobs never wait for the workers to boot. The
 * workers start with the first job (or `ready()`): a program whose kernels all stay on one thread,
 * such as a short generation, never pays for booting them or for stopping them at exit.
 */
export class ThreadPool {
  readonly threads: number;
  private workers: WorkerHandle[] | null = null;
  private started: Promise<void> | null = null;
  private readonly ctl: Int32Array;
  private readonly args: Float64Array;
  private readonly blocking = canBlock();
  private seq = 0;
  private readonly argv: number[] = [];

  /**
   * The pool of `work.length` threads: this one and `work.length − 1` workers on the compiled
   * kernels and the shared `memory`, talking through the control block at `control`; `work[t]` is
   * thread t's scratch (0 is this thread). Each worker joins the jobs posted after it has booted.
   */
  constructor(
    private readonly kernels: KernelExports,
    private readonly module: WebAssembly.Module,
    private readonly memory: WebAssembly.Memory,
    private readonly control: Ptr,
    private readonly work: readonly Ptr[],
    private readonly spinMicros: number,
  ) {
    this.threads = work.length;
    this.ctl = new Int32Array(memory.buffer, control, ARGS_AT / 4);
    this.args = new Float64Array(memory.buffer, control + ARGS_AT, MAX_ARGS);
    this.seq = Atomics.load(this.ctl, CTL.seq);
  }

  /** Workers asleep in Atomics.wait, their spin over. */
  get sleepingWorkers(): number {
    return Atomics.load(this.ctl, CTL.sleeping);
  }

  /** Whether the workers have been started, by a job or by `ready()`. */
  get workersStarted(): boolean {
    return (this.workers?.length ?? 0) > 0;
  }

  /**
   * Resolves once every worker serves jobs (rejects if one failed to start), starting them if no job has yet.
   * One that fails to start is reported on the console and its share runs on the other threads.
   */
  ready(): Promise<void> {
    if (!this.started) {
      const { module, memory, control, spinMicros } = this;
      const started = this.work
        .slice(1)
        .map((w) => startWorker({ module, memory, control, work: w, names: threadedKernels, spinMicros }));
      this.workers = started.map((s) => s.handle);
      this.started = Promise.all(started.map((s) => s.ready)).then(() => undefined);
      this.started.catch((error: unknown) => {
        console.error(`backend-wasm: a worker thread failed to start (${String(error)}); the others do its share`);
      });
    }
    return this.started;
  }

  /** Runs `kernel` with `args` over the chunks of `plan`, on every thread; returns when all are done. */
  run(kernel: ThreadedKernel, args: readonly number[], plan: ChunkPlan): void {
    const { ctl } = this;
    const chunks = Math.ceil(plan.total / plan.chunk);
    if (chunks >= CHUNK_MASK) throw new RangeError(`a job may have at most ${CHUNK_MASK - 1} chunks, got ${chunks}`);
    if (args.length > MAX_ARGS || plan.offsets.length > MAX_OFFSETS) throw new RangeError('too many job arguments');
    if (!this.started) void this.ready();
    const seq = (this.seq + 1) | 0;
    const tag = (seq & TAG_MASK) << CHUNK_BITS;
    // The description first; the atomic store of `seq` publishes it to the workers.
    ctl[CTL.op] = threadedKernels.indexOf(kernel);
    ctl[CTL.argc] = args.length;
    ctl[CTL.total] = plan.total;
    ctl[CTL.chunk] = plan.chunk;
    ctl[CTL.chunks] = chunks;
    ctl[CTL.countArg] = plan.countArg;
    ctl[CTL.workArg] = plan.workArg ?? -1;
    ctl[CTL.offsets] = plan.offsets.length;
    const { offsets } = plan;
    for (let o = 0; o < offsets.length; o++) {
      ctl[CTL.offsetPairs + 2 * o] = offsets[o]![0];
      ctl[CTL.offsetPairs + 2 * o + 1] = offsets[o]![1];
    }
    this.args.set(args);
    Atomics.store(ctl, CTL.done, 0);
    Atomics.store(ctl, CTL.failed, 0);
    Atomics.store(ctl, CTL.next, tag);
    Atomics.store(ctl, CTL.seq, seq);
    this.seq = seq;
    Atomics.notify(ctl, CTL.seq);

    const fn = this.kernels[kernel] as (...a: number[]) => unknown;
    const argv = this.argv;
    let error: unknown = null;
    for (;;) {
      const c = Atomics.load(ctl, CTL.next);
      if ((c & ~CHUNK_MASK) !== tag || (c & CHUNK_MASK) >= chunks) break;
      if (Atomics.compareExchange(ctl, CTL.next, c, c + 1) !== c) continue;
      const start = (c & CHUNK_MASK) * plan.chunk;
      argv.length = args.length;
      for (let i = 0; i < args.length; i++) argv[i] = args[i]!;
      argv[plan.countArg] = Math.min(plan.chunk, plan.total - start);
      if (plan.workArg !== undefined) argv[plan.workArg] = this.work[0]!;
      for (let o = 0; o < offsets.length; o++) {
        const [arg, bytes] = offsets[o]!;
        argv[arg] = argv[arg]! + start * bytes;
      }
      try {
        fn(...argv);
      } catch (e) {
        error = e;
        Atomics.store(ctl, CTL.failed, 1);
      }
      Atomics.add(ctl, CTL.done, 1);
      if (error) break;
    }
    // Stop further claims, then wait for the chunks already claimed.
    const claimed = Math.min(Atomics.exchange(ctl, CTL.next, tag | CHUNK_MASK) & CHUNK_MASK, chunks);
    let done = Atomics.load(ctl, CTL.done);
    if (done < claimed) {
      const until = performance.now() + this.spinMicros / 1000;
      for (let polls = 1; done < claimed; polls++) {
        if (this.blocking && (polls & 255) === 0 && performance.now() >= until) Atomics.wait(ctl, CTL.done, done, 1);
        done = Atomics.load(ctl, CTL.done);
      }
    }
    if (error) throw error;
    if (Atomics.load(ctl, CTL.failed)) throw new Error(`${kernel} failed on a worker thread`);
  }

  /** Stops and terminates the workers. */
  close(): void {
    const { ctl } = this;
    ctl[CTL.op] = -1;
    this.seq = (this.seq + 1) | 0;
    Atomics.store(ctl, CTL.seq, this.seq);
    Atomics.notify(ctl, CTL.seq);
    for (const worker of this.workers ?? []) void worker.terminate();
    this.workers = [];
    this.started ??= Promise.resolve();
  }
}
