// One instance of the kernels: its memory and allocator, its worker threads, and the matmul that splits across them.

import type { GemmMask } from '@tinygpt/autograd';
import { WasmHeap } from './heap.js';
import type { HeapOptions } from './heap.js';
import { compileKernels, instantiateKernels, relaxedSimdSupported, sharedMemorySupported } from './module.js';
import type { KernelExports, Ptr, ThreadedKernel } from './module.js';
import { SHARED_PACK_FLOATS, ThreadedGemm } from './gemm-threads.js';
import { ThreadPool } from './pool.js';

const MIB = 1 << 20;
const PAGE = 65536;
/** The pool's control block (CONTROL_BYTES) sits here, below the constants at 32 KiB and the heap at 64 KiB. */
const CONTROL_BASE = 1024;
/**
 * Microseconds an idle thread of the pool polls for the next job (a worker) or for the chunks still
 * running (the calling thread) before it sleeps in Atomics.wait (see `WasmOptions.spinMicros`).
 * Waking a sleeping thread took about 16 µs on a 2-vCPU Intel Xeon guest and 70 µs on a 2-vCPU
 * AMD EPYC one (median of 200 wake-ups; 45–107 µs from p10 to p90), and sampling's threaded
 * products come 0.1–0.5 ms apart, with attention, layer norm and GELU between them. On that AMD
 * guest, 1,000 greedy tokens of the baby model on two threads went from 300–351 tokens/s with a
 * spin of 50 µs to 371–390 with 1,000–2,000 µs (one process, the settings taken in turn, medians
 * of six rounds), where one thread gave 325–328; two-thread training steps took 8–20 % less time.
 */
export const DEFAULT_SPIN_MICROS = 2000;

/** The kernels' codes of autograd's `GemmMask`s (assembly/matmul-batched.ts). */
const GEMM_MASKS = { none: 0, lowerC: 1, lowerA: 2, upperA: 3 } as const satisfies Record<GemmMask, number>;

/** Multiply-adds per thread below which a one-row product (`gemv`) stays on one thread: a quarter of a million, 1 MB of W. */
const GEMV_GRAIN = 1 << 18;
/** A job has at most 1022 chunks (src/worker-source.ts), and a thread takes up to four. */
export const MAX_THREADS = 255;

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
  /**
   * Multiply-adds (M·N·K) from which a matmul is split across threads (default 2²⁰, about 25 µs on
   * one core); each chunk gets at least half of it. Smaller products stay on one thread, where a
   * second thread's share would cost about what it saves: 64×64·64×128 (2¹⁹) took 29 µs either way
   * on the AMD EPYC, while sampling's 64×128·128×128 (2²⁰) went from 59 to 38 µs on two threads,
   * and its 64×128·128×384 from 123 µs with the old default of 2²¹ to 102 (best of 7 rounds, one
   * process).
   */
  parallelThreshold?: number;
  /**
   * Microseconds an idle worker thread polls for the next job before it sleeps in Atomics.wait, and
   * the calling thread for the chunks still running (default {@link DEFAULT_SPIN_MICROS}; with 0
   * it sleeps after a few hundred polls). Polling finds kernels a little apart sooner than a
   * wake-up, but a polling thread takes its core (or the sibling hyperthread) from other work.
   */
  spinMicros?: number;
  /**
   * Use a shared memory (default: whenever SharedArrayBuffer is available). `false` forces the
   * unshared fallback a page without cross-origin isolation gets: one thread, fixed size.
   */
  sharedMemory?: boolean;
  /**
   * Use the kernels built with relaxed SIMD (fused multiply-add in the matmul): default whenever the
   * runtime validates it; `false` forces plain SIMD (results differ in the last bits only).
   */
  relaxedSimd?: boolean;
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
  /** The matmul on every thread, when there are workers. */
  private gemm: ThreadedGemm | null;
  private readonly parallelThreshold: number;
  /** Whether the kernels are the relaxed-SIMD build (`f32x4.relaxed_madd`) rather than plain SIMD. */
  readonly relaxedSimd: boolean;

  private constructor(
    kernels: KernelExports,
    heap: WasmHeap,
    pool: ThreadPool | null,
    work: Ptr[],
    gemm: ThreadedGemm | null,
    parallelThreshold: number,
    relaxedSimd: boolean,
  ) {
    this.gemm = gemm;
    this.relaxedSimd = relaxedSimd;
    this.kernels = kernels;
    this.heap = heap;
    this.pool = pool;
    this.work = work;
    this.parallelThreshold = parallelThreshold;
  }

  /** Compiles and instantiates the kernels and starts `threads − 1` workers. */
  static async create(options: WasmOptions = {}): Promise<WasmRuntime> {
    const asked = options.threads ?? 1;
    if (!Number.isInteger(asked) || asked < 1 || asked > MAX_THREADS) {
      throw new RangeError(`threads must be an integer from 1 to ${MAX_THREADS}, got ${asked}`);
    }
    const spinMicros = options.spinMicros ?? DEFAULT_SPIN_MICROS;
    if (!(spinMicros >= 0 && spinMicros <= 1e6)) {
      throw new RangeError(`spinMicros must be from 0 to 1,000,000 (µs), got ${spinMicros}`);
    }
    const shared = (options.sharedMemory ?? true) && sharedMemorySupported();
    const maxMiB = options.maxMemoryMiB ?? (shared ? 4096 : 1024);
    const memory = createMemory(shared, options.initialMemoryMiB ?? 64, maxMiB);
    if (options.relaxedSimd === true && !relaxedSimdSupported()) {
      throw new Error('relaxed SIMD was asked for but this runtime does not support it');
    }
    const relaxed = options.relaxedSimd ?? relaxedSimdSupported();
    const module = await compileKernels(shared, relaxed);
    const kernels = await instantiateKernels(module, memory);
    const heap = new WasmHeap(memory, Math.min(maxMiB * MIB, 65536 * PAGE), options);
    heap.useZeroFill((ptr, bytes) => kernels.zeroFill(ptr, bytes));
    const threads = shared ? asked : 1;
    const workFloats = kernels.sgemmWorkspaceBytes() / 4;
    const work = Array.from({ length: threads }, () => heap.addressOf(heap.alloc(workFloats)));
    const pool = threads > 1 ? new ThreadPool(kernels, module, memory, CONTROL_BASE, work, spinMicros) : null;
    const threshold = options.parallelThreshold ?? 1 << 20;
    const packed = pool ? heap.addressOf(heap.alloc(SHARED_PACK_FLOATS, false)) : 0;
    const gemm = pool ? new ThreadedGemm(kernels, pool, packed, threshold) : null;
    return new WasmRuntime(kernels, heap, pool, work, gemm, threshold, relaxed);
  }

  /** Threads kernels run on, this one included. */
  get threads(): number {
    return this.pool?.threads ?? 1;
  }

  /**
   * C = op(A)·op(B) (or C += when `accumulate`) on addresses in this memory, with leading
   * dimensions (row strides, in floats) `lda`, `ldb`, `ldc`. Above the parallel threshold the rows
   * of C (or its columns, when it is wider than tall) are cut into chunks the threads claim, all
   * sharing one packed copy of the operand every chunk reads whole.
   */
  sgemm(
    transA: boolean,
    transB: boolean,
    M: number,
    N: number,
    K: number,
    a: Ptr,
    lda: number,
    b: Ptr,
    ldb: number,
    c: Ptr,
    ldc: number,
    accumulate: boolean,
  ): void {
    const tA = transA ? 1 : 0,
      tB = transB ? 1 : 0,
      acc = accumulate ? 1 : 0;
    if (M === 1 && !transA) {
      // One row (a token's step in generation): no packing, the same bits; outputs shared among the threads when many.
      this.parallelFor('gemv', [tB, N, K, a, b, ldb, c, acc], {
        total: N,
        grain: Math.ceil(GEMV_GRAIN / Math.max(K, 1)),
        align: 8,
        countArg: 1,
        offsets: [
          [4, transB ? ldb * 4 : 4],
          [6, 4],
        ],
      });
      return;
    }
    if (!this.gemm?.run(tA, tB, M, N, K, a, lda, b, ldb, c, ldc, acc)) {
      this.kernels.sgemm(tA, tB, M, N, K, a, lda, b, ldb, c, ldc, acc, this.work[0]!);
    }
  }

  /**
   * `batch` products C_i (+)= op(A_i)·op(B_i) with A_i at a + i·aStride bytes (B_i, C_i likewise),
   * leading dimensions as in `sgemm`. Many small products (attention's B·nHead) are shared out
   * whole among the threads; a few large ones, or ones summing into one C (cStride 0), run one
   * after the other, each split as `sgemm` splits it. `mask` and `diagonal` make every product
   * causal (see autograd's `GemmMask`).
   */
  sgemmBatched(
    transA: boolean,
    transB: boolean,
    M: number,
    N: number,
    K: number,
    batch: number,
    a: Ptr,
    lda: number,
    aStride: number,
    b: Ptr,
    ldb: number,
    bStride: number,
    c: Ptr,
    ldc: number,
    cStride: number,
    accumulate: boolean,
    mask: GemmMask = 'none',
    diagonal = 0,
  ): void {
    const pool = this.pool;
    const each = M * N * K;
    const code = GEMM_MASKS[mask];
    const tA = transA ? 1 : 0,
      tB = transB ? 1 : 0,
      acc = accumulate ? 1 : 0;
    if (pool && cStride !== 0 && batch >= 2 * pool.threads && each * batch >= this.parallelThreshold) {
      // Many products with their own results: whole products are shared out among the threads.
      const args = [tA, tB, M, N, K, a, lda, aStride, b, ldb, bStride, c, ldc, cStride, acc, batch, 0, code, diagonal];
      pool.run('sgemmBatched', args, {
        total: batch,
        chunk: Math.max(1, Math.ceil(batch / (4 * pool.threads))),
        countArg: 15,
        workArg: 16,
        offsets: [
          [5, aStride],
          [8, bStride],
          [11, cStride],
        ],
      });
      return;
    }
    if (!pool || each < this.parallelThreshold || code !== 0) {
      // One call on this thread: too little work to share (results summing into one C stay in order), or
      // a few masked products (the threaded sgemm has no masks).
      const work = this.work[0]!;
      this.kernels.sgemmBatched(
        tA,
        tB,
        M,
        N,
        K,
        a,
        lda,
        aStride,
        b,
        ldb,
        bStride,
        c,
        ldc,
        cStride,
        acc,
        batch,
        work,
        code,
        diagonal,
      );
      return;
    }
    // A few large products: one after the other, each split across the threads.
    for (let i = 0; i < batch; i++) {
      const add = accumulate || (cStride === 0 && i > 0);
      this.sgemm(transA, transB, M, N, K, a + i * aStride, lda, b + i * bStride, ldb, c + i * cStride, ldc, add);
    }
  }

  /**
   * Runs `kernel(...args)` over `total` items (elements or rows) on every thread, in chunks of a
   * multiple of `align` items that threads claim as they come free, when there are at least
   * `grain` items per thread; otherwise in one call on this thread. A chunk gets its item count in
   * argument `countArg`, and each `[argument, bytes]` of `offsets` moves forward by start·bytes.
   */
  parallelFor(
    kernel: ThreadedKernel,
    args: readonly number[],
    plan: {
      total: number;
      grain: number;
      align: number;
      countArg: number;
      offsets: readonly (readonly [number, number])[];
    },
  ): void {
    const pool = this.pool;
    const { total, grain, align } = plan;
    if (!pool || total < 2 * grain) {
      (this.kernels[kernel] as (...a: number[]) => unknown)(...args);
      return;
    }
    // About four chunks per thread, so a thread slowed by other programs leaves work to the rest.
    const chunk = Math.ceil(Math.max(grain, total / (4 * pool.threads)) / align) * align;
    pool.run(kernel, args, { total, chunk, countArg: plan.countArg, offsets: plan.offsets });
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

  /**
   * Whether the worker threads have been started. They start with the first job shared among
   * threads, or with `ready()`: a program whose kernels all stay on one thread never boots them.
   */
  get workersStarted(): boolean {
    return this.pool?.workersStarted ?? false;
  }

  /** Worker threads asleep in Atomics.wait: an idle one sleeps once it has polled for `spinMicros`. */
  get sleepingWorkers(): number {
    return this.pool?.sleepingWorkers ?? 0;
  }

  /** Starts the worker threads if no job has, and resolves once every one serves jobs (at once without workers). */
  ready(): Promise<void> {
    return this.pool?.ready() ?? Promise.resolve();
  }

  /** Stops the worker threads; the runtime stays usable on one thread. */
  close(): void {
    this.pool?.close();
    this.pool = null;
    this.gemm = null;
  }
}
