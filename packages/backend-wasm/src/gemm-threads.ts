// The matmul split across the thread pool: the operand every chunk reads whole is packed once and shared, and the
// other side of C is cut into chunks the threads claim.

import type { KernelExports, Ptr } from './module.js';
import type { ThreadPool } from './pool.js';

/** Rows and columns of the sgemm register tile (assembly/matmul.ts): chunks and slabs are cut at multiples. */
const MR = 4;
const NR = 8;
/** Floats a packed element of op(A) takes: sgemm packs each float of A in all four lanes of a vector. */
const A_LANES = 4;
/** Fewest rows (or columns) of C in a chunk. */
const MIN_GEMM_CHUNK = 64;
/** Chunks per thread, so a thread slowed by other programs leaves work to the rest. */
const GEMM_CHUNKS_PER_THREAD = 4;
/**
 * Floats of the packed operand the threads share (4 MiB): each panel of op(B) (or op(A)) is packed
 * once, instead of once per chunk. Larger operands go through in slabs.
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

/** The job of `sgemmPackA` or `sgemmPackB` (the same arguments): the panel start advances by one float per row or column. */
const packJob = (): Job => job(8, 6, [[5, 1]]);

/**
 * sgemm on every thread of a pool. A product split by rows has every chunk read all of op(B) (all
 * of op(A) when split by columns, for C wider than tall): that operand is packed once into a
 * buffer the threads share, by all of them when it is large, then the other side of C is cut into
 * chunks of whole register tiles, each thread packing its own part of the other operand. An operand
 * larger than the buffer goes through in slabs. Every float of C sees the operations of the
 * one-thread kernel in the same order, so the bits are those of one thread.
 */
export class ThreadedGemm {
  private readonly packB = packJob();
  private readonly packA = packJob();
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
  /** `sgemmPackedA` over chunks of columns: N is the count; B advances per column (set per call), C by a float. */
  private readonly columns = job(
    11,
    2,
    [
      [5, 0],
      [7, 4],
    ],
    10,
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
   * nothing, when the product is better left to one thread: too small to split, or so deep (K over
   * 2¹⁷) that not even one register tile's slab fits the shared buffer.
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
    const byRows = M >= N;
    const side = byRows ? M : N;
    if (M * N * K < this.parallelThreshold || this.chunk(side, (M * N * K) / side, byRows ? MR : NR) >= side)
      return false;
    const packedSide = byRows ? N : M;
    const tile = byRows ? NR : MR;
    const slab = Math.floor(SHARED_PACK_FLOATS / (byRows ? 1 : A_LANES) / K / tile) * tile;
    if (slab < tile) return false;
    const { pool, packed } = this;
    for (let s0 = 0; s0 < packedSide; s0 += slab) {
      const width = Math.min(slab, packedSide - s0);
      if (byRows) {
        this.pack(this.packB, 'sgemmPackB', tB, width, K, b + s0 * (tB ? ldb * 4 : 4), ldb, NR);
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
        plan.chunk = this.chunk(M, width * K, MR);
        plan.offsets[0]![1] = tA ? 4 : lda * 4;
        plan.offsets[1]![1] = ldc * 4;
        pool.run('sgemmPackedB', args, plan);
      } else {
        this.pack(this.packA, 'sgemmPackA', tA, width, K, a + s0 * (tA ? 4 : lda * 4), lda, MR);
        // sgemmPackedA(transB, M, N, K, ap, b, ldb, c, ldc, accumulate, work)
        const { args, plan } = this.columns;
        args[0] = tB;
        args[1] = width;
        args[2] = N;
        args[3] = K;
        args[4] = packed;
        args[5] = b;
        args[6] = ldb;
        args[7] = c + s0 * ldc * 4;
        args[8] = ldc;
        args[9] = acc;
        plan.total = N;
        plan.chunk = this.chunk(N, width * K, NR);
        plan.offsets[0]![1] = tB ? ldb * 4 : 4;
        pool.run('sgemmPackedA', args, plan);
      }
    }
    return true;
  }

  /**
   * Rows (or columns) of C per chunk: whole register tiles (`tile`), about GEMM_CHUNKS_PER_THREAD
   * per thread, each at least MIN_GEMM_CHUNK and half the parallel threshold (`each` multiply-adds per
   * row or column).
   */
  private chunk(total: number, each: number, tile: number): number {
    const least = Math.max(MIN_GEMM_CHUNK, this.parallelThreshold / 2 / each);
    return Math.ceil(Math.max(least, total / (GEMM_CHUNKS_PER_THREAD * this.pool.threads)) / tile) * tile;
  }

  /**
   * Packs `width` rows of op(A) or columns of op(B) with `kernel` (`x` is A or B at the slab's
   * first, `trans` and `ld` as in sgemm), all K deep, into the shared buffer: in one call on this
   * thread when they are few, else split by `tile`-wide panels among the threads.
   */
  private pack(
    job: Job,
    kernel: 'sgemmPackA' | 'sgemmPackB',
    trans: number,
    width: number,
    K: number,
    x: Ptr,
    ld: number,
    tile: number,
  ): void {
    if (width * K < PARALLEL_PACK_FLOATS) {
      this.kernels[kernel](trans, width, K, x, ld, 0, width, this.packed);
      return;
    }
    // sgemmPackA(transA, M, K, a, lda, i0, mc, dst), sgemmPackB(transB, N, K, b, ldb, j0, nc, dst)
    const { args, plan } = job;
    args[0] = trans;
    args[1] = width;
    args[2] = K;
    args[3] = x;
    args[4] = ld;
    args[6] = width;
    args[7] = this.packed;
    plan.total = width;
    plan.chunk = Math.ceil(width / (2 * this.pool.threads) / tile) * tile;
    this.pool.run(kernel, args, plan);
  }
}
