// Worker threads sharing the kernels' memory: the main thread posts a slice of a kernel to each and runs one itself.

import type { KernelExports, Ptr, ThreadedKernel } from './module.js';
import { threadedKernels } from './module.js';
import { ARGS_OFFSET, MAX_ARGS, SLOT, SLOT_BYTES, workerSource } from './worker-source.js';

/** The little of a Node `worker_threads.Worker` or a browser `Worker` the pool uses. */
interface WorkerHandle {
  postMessage(message: unknown): void;
  terminate(): unknown;
}

/** `node:worker_threads` as far as the pool needs it. */
interface NodeWorkerThreads {
  Worker: new (source: string, options: { eval: true }) => WorkerHandle & {
    once(event: 'message' | 'error', listener: (value: unknown) => void): void;
    on(event: 'message' | 'error', listener: (value: unknown) => void): void;
    unref(): void;
  };
}

/** Node's `process.getBuiltinModule` (Node ≥ 20.16), the way code that also runs in browsers reaches a built-in. */
function nodeWorkerThreads(): NodeWorkerThreads | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const load = proc?.getBuiltinModule;
  return typeof load === 'function' ? (load.call(proc, 'node:worker_threads') as NodeWorkerThreads) : null;
}

/** Starts one worker running `workerSource` and resolves once it has instantiated the kernels. */
function startWorker(init: Record<string, unknown>): Promise<WorkerHandle> {
  const node = nodeWorkerThreads();
  return new Promise((resolve, reject) => {
    if (node) {
      const worker = new node.Worker(workerSource, { eval: true });
      // Idle workers must not keep a finished Node program alive.
      worker.unref();
      worker.once('message', () => resolve(worker));
      worker.on('error', (error) => reject(error instanceof Error ? error : new Error(String(error))));
      worker.on('message', (message) => {
        if (message !== 'ready') console.error(`backend-wasm worker: ${String(message)}`);
      });
      worker.postMessage(init);
    } else if (typeof Worker !== 'undefined') {
      const url = URL.createObjectURL(new Blob([workerSource], { type: 'text/javascript' }));
      const worker = new Worker(url);
      worker.onmessage = (event: MessageEvent) => {
        if (event.data === 'ready') resolve(worker);
        else console.error(`backend-wasm worker: ${String(event.data)}`);
      };
      worker.onerror = (event) => reject(new Error(`worker failed to start: ${event.message}`));
      worker.postMessage(init);
    } else {
      reject(new Error('no worker threads in this environment'));
    }
  });
}

/** Whether this thread may block in Atomics.wait (Node's main thread may; a browser's may not). */
function canBlock(probe: Int32Array): boolean {
  try {
    Atomics.wait(probe, 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The main thread plus `threads − 1` workers. `run` hands slice t of a kernel to thread t
 * (slice 0 runs on the calling thread) and returns when all slices are done.
 */
export class ThreadPool {
  readonly threads: number;
  private readonly workers: WorkerHandle[];
  private readonly ctl: Int32Array[];
  private readonly args: Float64Array[];
  private readonly blocking: boolean;
  private readonly kernels: KernelExports;

  private constructor(kernels: KernelExports, memory: WebAssembly.Memory, workers: WorkerHandle[], slots: Ptr[]) {
    this.kernels = kernels;
    this.workers = workers;
    this.threads = workers.length + 1;
    this.ctl = slots.map((slot) => new Int32Array(memory.buffer, slot, ARGS_OFFSET / 4));
    this.args = slots.map((slot) => new Float64Array(memory.buffer, slot + ARGS_OFFSET, MAX_ARGS));
    this.blocking = canBlock(new Int32Array(new SharedArrayBuffer(4)));
  }

  /**
   * Starts `threads − 1` workers on the compiled kernels and shared `memory`, using the control
   * area from `controlBase` (`(threads − 1)·SLOT_BYTES` bytes) to talk to them.
   */
  static async start(
    kernels: KernelExports,
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    threads: number,
    controlBase: Ptr,
    spin = 20000,
  ): Promise<ThreadPool> {
    const slots = Array.from({ length: threads - 1 }, (_, i) => controlBase + i * SLOT_BYTES);
    const workers = await Promise.all(
      slots.map((slot) => startWorker({ module, memory, slot, names: threadedKernels, spin })),
    );
    return new ThreadPool(kernels, memory, workers, slots);
  }

  /** Runs `kernel` once per entry of `slices` (at most `threads`), in parallel; slice 0 on this thread. */
  run(kernel: ThreadedKernel, slices: readonly (readonly number[])[]): void {
    const op = threadedKernels.indexOf(kernel);
    const posted: number[] = [];
    for (let t = 1; t < slices.length; t++) {
      const ctl = this.ctl[t - 1]!;
      const args = this.args[t - 1]!;
      const slice = slices[t]!;
      for (let i = 0; i < slice.length; i++) args[i] = slice[i]!;
      ctl[SLOT.op] = op;
      ctl[SLOT.argc] = slice.length;
      ctl[SLOT.failed] = 0;
      const seq = (Atomics.load(ctl, SLOT.seq) + 1) | 0;
      Atomics.store(ctl, SLOT.seq, seq);
      Atomics.notify(ctl, SLOT.seq);
      posted.push(seq);
    }
    const fn = this.kernels[kernel] as (...args: number[]) => void;
    fn(...slices[0]!);
    for (let t = 1; t < slices.length; t++) {
      const ctl = this.ctl[t - 1]!;
      const seq = posted[t - 1]!;
      // The worker usually finishes about when this thread does: spin first, then sleep if allowed.
      let done = Atomics.load(ctl, SLOT.done);
      for (let spins = 0; done !== seq; spins++) {
        if (this.blocking && spins > 1000) Atomics.wait(ctl, SLOT.done, done, 1);
        done = Atomics.load(ctl, SLOT.done);
      }
      if (ctl[SLOT.failed]) throw new Error(`${kernel} failed on worker thread ${t}`);
    }
  }

  /** Stops and terminates the workers. */
  close(): void {
    for (let t = 0; t < this.workers.length; t++) {
      const ctl = this.ctl[t]!;
      ctl[SLOT.op] = -1;
      Atomics.add(ctl, SLOT.seq, 1);
      Atomics.notify(ctl, SLOT.seq);
      void this.workers[t]!.terminate();
    }
    this.workers.length = 0;
  }
}
