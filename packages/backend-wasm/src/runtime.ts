// One instance of the kernels: its memory and allocator, its worker threads, and the matmul that splits across them.

import { HEAP_BASE, WasmHeap } from './heap.js';
import type { HeapOptions } from './heap.js';
import { compileKernels, instantiateKernels, sharedMemorySupported } from './module.js';
import type { KernelExports, Ptr, ThreadedKernel } from './module.js';
import { ThreadPool } from './pool.js';
import { SLOT_BYTES } from './worker-source.js';

const MIB = 1 << 20;
const PAGE = 65536;
/** Rows and columns of the sgemm register tile (assembly/matmul.ts): slices are cut at multiples. */
const MR = 4;
const NR = 8;
/** The control area for worker slots starts here, below HEAP_BASE. */
const CONTROL_BASE = 1024;

/** Options of `WasmRuntime.create` (and of `createWasmBackend`). */
export interface WasmOptions extends HeapOptions {
  /**
   * Threads to split large kernels across, the calling thread included (default 1). Needs
   * SharedArrayBuffer (Node; browsers only on cross-origin-isolated pages); without it the
   * backend runs on one thread whatever is asked.
   */
  threads?: number;
  /** Initial size of the memory in MiB (default 64); a shared memory grows on demand. */
  initialMemoryMiB?: number;
  /**
   * Largest the memory may become, in MiB (default 4096, WebAssembly's 32-bit limit). An unshared
   * memory cannot grow under live views, so it is created at this size (default 1024 then).
   */
  maxMemoryMiB?: number;
  /** Multiply-adds (M·N·K) from which a matmul is split across threads (default 2¹⁸). */
  parallelThreshold?: number;
}

/** Creates the memory: shared if possible (trying smaller maxima if 4 GiB is refused), else plain at full size. */
function createMemory(shared: boolean, initialMiB: number, maxMiB: number): WebAssembly.Memory {
  if (!shared) {
    const pages = Math.ceil((maxMiB * MIB) / PAGE);
    return new WebAssembly.Memory({ initial: pages, maximum: pages });
  }
  const initial = Math.ceil((initialMiB * MIB) / PAGE);
  for (let max = Math.min(65536, Math.ceil((maxMiB * MIB) / PAGE)); ; max = Math.floor(max / 2)) {
    try {
      return new WebAssembly.Memory({ initial: Math.min(initial, max), maximum: max, shared: true });
    } catch (error) {
      if (max <= initial) throw error;
    }
  }
}

/** The kernels module instantiated over its own memory, with its allocator and (optionally) worker threads. */
export class WasmRuntime {
  readonly kernels: KernelExports;
  readonly heap: WasmHeap;
  private pool: ThreadPool | null;
  /** sgemm scratch, one per thread. */
  private readonly work: Ptr[];
  private readonly parallelThreshold: number;

  private constructor(kernels: KernelExports, heap: WasmHeap, pool: ThreadPool | null, parallelThreshold: number) {
    this.kernels = kernels;
    this.heap = heap;
    this.pool = pool;
    this.parallelThreshold = parallelThreshold;
    const workBytes = kernels.sgemmWorkspaceBytes();
    this.work = Array.from({ length: pool?.threads ?? 1 }, () => heap.addressOf(heap.alloc(workBytes / 4)));
  }

  /** Compiles and instantiates the kernels and starts `threads − 1` workers. */
  static async create(options: WasmOptions = {}): Promise<WasmRuntime> {
    const asked = options.threads ?? 1;
    if (!Number.isInteger(asked) || asked < 1) throw new RangeError(`threads must be a positive integer, got ${asked}`);
    const shared = sharedMemorySupported();
    const maxMiB = options.maxMemoryMiB ?? (shared ? 4096 : 1024);
    const memory = createMemory(shared, options.initialMemoryMiB ?? 64, maxMiB);
    const module = await compileKernels(shared);
    const kernels = await instantiateKernels(module, memory);
    const heap = new WasmHeap(memory, Math.min(maxMiB * MIB, 65536 * PAGE), options);
    const threads = shared ? Math.min(asked, Math.floor((HEAP_BASE - CONTROL_BASE) / SLOT_BYTES)) : 1;
    const pool = threads > 1 ? await ThreadPool.start(kernels, module, memory, threads, CONTROL_BASE) : null;
    return new WasmRuntime(kernels, heap, pool, options.parallelThreshold ?? 1 << 18);
  }

  /** Threads kernels run on, this one included. */
  get threads(): number {
    return this.pool?.threads ?? 1;
  }

  /**
   * C = op(A)·op(B) (or C += when `accumulate`) on addresses in this memory, with leading
   * dimensions (row strides, in floats) `lda`, `ldb`, `ldc`. Above the parallel threshold the rows
   * of C (or its columns, when it is wider than tall) are split evenly across the threads.
   */
  sgemm(
    transA: boolean, transB: boolean, M: number, N: number, K: number,
    a: Ptr, lda: number, b: Ptr, ldb: number, c: Ptr, ldc: number, accumulate: boolean,
  ): void {
    const tA = transA ? 1 : 0, tB = transB ? 1 : 0, acc = accumulate ? 1 : 0;
    const pool = this.pool;
    if (!pool || M * N * K < this.parallelThreshold) {
      this.kernels.sgemm(tA, tB, M, N, K, a, lda, b, ldb, c, ldc, acc, this.work[0]!);
      return;
    }
    const slices: number[][] = [];
    if (M >= N) {
      const step = Math.ceil(M / pool.threads / MR) * MR;
      for (let m0 = 0, t = 0; m0 < M; m0 += step, t++) {
        const m = Math.min(step, M - m0);
        const aAt = a + (transA ? m0 : m0 * lda) * 4;
        slices.push([tA, tB, m, N, K, aAt, lda, b, ldb, c + m0 * ldc * 4, ldc, acc, this.work[t]!]);
      }
    } else {
      const step = Math.ceil(N / pool.threads / NR) * NR;
      for (let n0 = 0, t = 0; n0 < N; n0 += step, t++) {
        const n = Math.min(step, N - n0);
        const bAt = b + (transB ? n0 * ldb : n0) * 4;
        slices.push([tA, tB, M, n, K, a, lda, bAt, ldb, c + n0 * 4, ldc, acc, this.work[t]!]);
      }
    }
    pool.run('sgemm', slices);
  }

  /**
   * Runs `kernel` over [0, n) — elements or rows — cut into one contiguous range per thread, each
   * starting at a multiple of `align`, when there are at least `grain` items per thread;
   * otherwise in one call on this thread. `args(start, count)` gives a range's arguments.
   */
  parallelFor(
    kernel: ThreadedKernel,
    n: number,
    grain: number,
    align: number,
    args: (start: number, count: number) => number[],
  ): void {
    const pool = this.pool;
    const parts = pool ? Math.min(pool.threads, Math.floor(n / grain)) : 1;
    if (parts < 2) {
      (this.kernels[kernel] as (...a: number[]) => void)(...args(0, n));
      return;
    }
    const step = Math.ceil(n / parts / align) * align;
    const slices: number[][] = [];
    for (let start = 0; start < n; start += step) slices.push(args(start, Math.min(step, n - start)));
    pool!.run(kernel, slices);
  }

  /** The machine's measured SIMD ceiling in GFLOP/s: `iterations` of the peak loop, best of `repeats`. */
  peakGflops(iterations = 10_000_000, repeats = 5): number {
    let best = Infinity;
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      this.kernels.peakMulAdd(iterations, 0.5, 1);
      best = Math.min(best, performance.now() - t0);
    }
    return (iterations * 96) / best / 1e6;
  }

  /** Stops the worker threads; the runtime stays usable on one thread. */
  close(): void {
    this.pool?.close();
    this.pool = null;
  }
}
