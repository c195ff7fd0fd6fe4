// The matmul split across the thread pool. Cut by rows, the operand every chunk reads whole, op(B), is packed once
// and shared; cut by columns, each thread packs op(A) itself, as one thread would.

import type { KernelExports, Ptr } from './module.js';
import type { ThreadPool } from './pool.js';

/** Rows and columns of the sgemm register tile (assembly/matmul.ts): chunks and slabs are cut at multiples. */
const MR = 4;
const NR = 8;
/** Fewest rows of C in a chunk of a product cut by rows. */
const MIN_GEMM_CHUNK = 64;
/** Chunks per thread of a product cut by rows, so a thread slowed by other programs leaves work to the rest. */
const GEMM_CHUNKS_PER_THREAD = 4;
/**
 * Chunks per thread of a product cut by columns. Each chunk packs all of op(A) again, so fewer
 * than by rows; two still leave half a slowed thread's share to the others.
 */
const COLUMN_CHUNKS_PER_THREAD = 2;
/**
 * Floats of the packed op(B) the threads share (4 MiB): each panel is packed once, instead of once
 * per chunk. Larger operands go through in slabs.
 */
export const SHARED_PACK_FLOATS = 1 << 20;
/** Fewest floats of an operand worth packing on several threads; fewer are packed on the calling thread. */
const PARALLEL_PACK_FLOATS = 1 << 16;

/** A job's arguments and chunk plan, reused from call to call so that a training step allocates nothing for them. */
interface Job {
  args: number[];
  plan: { total: number; chunk: number; countArg: number; workArg?: number; offsets: [number, number][] };
}

/** A job of `argc` arguments whose chunk plan is filled in at each call. */
function job(argc: number, countArg: number, offsets: [number, number][], workArg?: number): Job {
  return { args: new Array<number>(argc).fill(0), plan: { total: 0, chunk: 0, countArg, workArg, offsets } };
}

/** The job of `sgemmPackB`: the panel start advances by one float per column. */
const packJob = (): Job => job(8, 6, [[5, 1]]);

/**
 * sgemm on every thread of a pool, with the bits of one thread: every float of C sees the
 * operations of the one-thread kernel in the same order.
 *
 * Cut by rows (C at least as tall as wide), every chunk reads all of op(B): it is packed once into
 * a buffer the threads share, by all of them when it is large, in slabs when larger than the
 * buffer, and each chunk of whole register tiles packs only its own rows of op(A).
 *
 * Cut by columns, every chunk is an ordinary sgemm over its columns and packs the blocks of op(A)
 * it needs in its own thread's scratch, as the one-thread kernel packs them for each block of
 * columns anyway. A shared op(A) would be four times its floats (sgemm spreads each over a
 * vector's lanes) and written by one core for the other to read. On the 2-vCPU AMD EPYC, MNIST's
 * first layer, x (64×784) times Wᵀ (784×128), took 299 µs on one thread, 256–267 µs on two sharing
 * op(A) and 163–191 µs on two packing it each (best of 15 rounds, three runs); the baby config's
 * weight gradients, 128×768·768×384 and ·768×512, 5–10 % less than sharing.
 */
export class ThreadedGemm {
  private readonly packB = packJob();
  /** `sgemmPackedB` over chunks of rows: M is the count; A and C advance by a row (strides set per call). */
  private readonly rows = job(
    11,
    1,
    [
      [4, 0],
      [7, 0],
    ],
    10,
  );
  /** `sgemm` over chunks of columns: N is the count; B advances per column (set per call), C by a float. */
  private readonly columns = job(
    13,
    3,
    [
      [7, 0],
      [9, 4],
    ],
    12,
  );

  /**
   * `packed` is SHARED_PACK_FLOATS floats of the pool's memory; products of fewer multiply-adds
   * than `parallelThreshold` stay on one thread, and each chunk gets at least half of it.
   */
  constructor(
    private readonly kernels: KernelExports,
    private readonly pool: ThreadPool,
    private readonly packed: Ptr,
    private readonly parallelThreshold: number,
  ) {}

  /**
   * C (+)= op(A)·op(B) as `WasmRuntime.sgemm` (flags as 0/1) on every thread. False, having done
   * nothing, when the product is better left to one thread: too small to split, or cut by rows
   * and so deep (K over 2¹⁷) that not even one register tile's slab fits the shared buffer.
   */
  run(
    tA: number,
    tB: number,
    M: number,
    N: number,
    K: number,
    a: Ptr,
    lda: number,
    b: Ptr,
    ldb: number,
    c: Ptr,
    ldc: number,
    acc: number,
  ): boolean {
    if (M * N * K < this.parallelThreshold) return false;
    if (M < N) return this.byColumns(tA, tB, M, N, K, a, lda, b, ldb, c, ldc, acc);
    const chunk = this.chunk(M, N * K, MR, MIN_GEMM_CHUNK, GEMM_CHUNKS_PER_THREAD);
    const slab = Math.floor(SHARED_PACK_FLOATS / K / NR) * NR;
    if (chunk >= M || slab < NR) return false;
    const { pool, packed } = this;
    for (let s0 = 0; s0 < N; s0 += slab) {
      const width = Math.min(slab, N - s0);
      this.pack(tB, width, K, b + s0 * (tB ? ldb * 4 : 4), ldb);
      // sgemmPackedB(transA, M, N, K, a, lda, bp, c, ldc, accumulate, work)
      const { args, plan } = this.rows;
      args[0] = tA;
      args[1] = M;
      args[2] = width;
      args[3] = K;
      args[4] = a;
      args[5] = lda;
      args[6] = packed;
      args[7] = c + s0 * 4;
      args[8] = ldc;
      args[9] = acc;
      plan.total = M;
      plan.chunk = this.chunk(M, width * K, MR, MIN_GEMM_CHUNK, GEMM_CHUNKS_PER_THREAD);
      plan.offsets[0]![1] = tA ? 4 : lda * 4;
      plan.offsets[1]![1] = ldc * 4;
      pool.run('sgemmPackedB', args, plan);
    }
    return true;
  }

  /** The columns of C cut into chunks, each an ordinary sgemm; false when they would be one chunk. */
  private byColumns(
    tA: number,
    tB: number,
    M: number,
    N: number,
    K: number,
    a: Ptr,
    lda: number,
    b: Ptr,
    ldb: number,
    c: Ptr,
    ldc: number,
    acc: number,
  ): boolean {
    const chunk = this.chunk(N, M * K, NR, NR, COLUMN_CHUNKS_PER_THREAD);
    if (chunk >= N) return false;
    // sgemm(transA, transB, M, N, K, a, lda, b, ldb, c, ldc, accumulate, work)
    const { args, plan } = this.columns;
    args[0] = tA;
    args[1] = tB;
    args[2] = M;
    args[3] = N;
    args[4] = K;
    args[5] = a;
    args[6] = lda;
    args[7] = b;
    args[8] = ldb;
    args[9] = c;
    args[10] = ldc;
    args[11] = acc;
    plan.total = N;
    plan.chunk = chunk;
    plan.offsets[0]![1] = tB ? ldb * 4 : 4;
    this.pool.run('sgemm', args, plan);
    return true;
  }

  /**
   * Rows (or columns) of C per chunk: whole register tiles (`tile`), about `perThread` chunks per
   * thread, each at least `least` and half the parallel threshold (`each` multiply-adds per row or
   * column). More chunks than threads come in a multiple of the threads, so that no thread is left
   * with one more than the others: at the parallel threshold of 2²¹ sampling's 64×128·128×384
   * product was cut into three chunks and took 108 µs on two threads, cut into two 94 µs (159 µs on
   * one; best of 7 rounds on the AMD EPYC).
   */
  private chunk(total: number, each: number, tile: number, least: number, perThread: number): number {
    const { threads } = this.pool;
    const fewest = Math.max(least, this.parallelThreshold / 2 / each);
    const chunk = Math.ceil(Math.max(fewest, total / (perThread * threads)) / tile) * tile;
    const count = Math.ceil(total / chunk);
    if (count <= threads || count % threads === 0) return chunk;
    return Math.ceil(total / (count - (count % threads)) / tile) * tile;
  }

  /**
   * Packs `width` columns of op(B) (`b` is B at the slab's first, `trans` and `ld` as in sgemm), all
   * K deep, into the shared buffer: in one call on this thread when they are few, else split by
   * NR-wide panels among the threads.
   */
  private pack(trans: number, width: number, K: number, b: Ptr, ld: number): void {
    if (width * K < PARALLEL_PACK_FLOATS) {
      this.kernels.sgemmPackB(trans, width, K, b, ld, 0, width, this.packed);
      return;
    }
    // sgemmPackB(transB, N, K, b, ldb, j0, nc, dst)
    const { args, plan } = this.packB;
    args[0] = trans;
    args[1] = width;
    args[2] = K;
    args[3] = b;
    args[4] = ld;
    args[6] = width;
    args[7] = this.packed;
    plan.total = width;
    plan.chunk = Math.ceil(width / (2 * this.pool.threads) / NR) * NR;
    this.pool.run('sgemmPackB', args, plan);
  }
}
