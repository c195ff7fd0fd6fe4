// The WebAssembly backend's base: storage in the module's memory, addresses for kernels (staging arrays that live
// elsewhere), and how finely work is split.

import type { HeapStats } from './heap.js';
import type { KernelExports, Ptr } from './module.js';
import type { WasmRuntime } from './runtime.js';

/**
 * Items per thread below which a kernel is not split: handing a worker its share costs some
 * microseconds, so only work of some tens of microseconds is worth sharing. Cheap elementwise ops
 * (an add: well under a nanosecond per float) need more items than transcendental ones (GELU: a
 * few nanoseconds): sampling's GELU over 64×512 floats took 79 µs on one thread and 46 on two.
 */
export const GRAIN_CHEAP = 1 << 17;
export const GRAIN_COSTLY = 1 << 14;
/** Rows per thread below which a row kernel is not split, scaled by the row length. */
export const rowGrain = (cols: number): number => Math.max(1, Math.ceil(GRAIN_COSTLY / Math.max(cols, 1)));
/** Elementwise slices start at multiples of 4 floats so every slice but the last is whole vectors. */
export const VEC = 4;

/** A copy of an array that lives outside the module's memory, made so a kernel can read or write it. */
interface Staged {
  readonly source: Float32Array | Int32Array;
  readonly block: Float32Array;
  readonly writeBack: boolean;
}

/**
 * What every group of kernels of the WebAssembly backend stands on: `alloc` places every tensor in
 * the kernels' linear memory, so kernels run on tensors where they lie; arrays made elsewhere
 * (`new Float32Array`) still work, copied in and out around the call.
 */
export class WasmStaging {
  readonly name = 'wasm';
  /** The runtime underneath: its memory, allocator, threads and raw kernels. */
  readonly runtime: WasmRuntime;
  /** The raw kernels, on addresses in the runtime's memory. */
  protected readonly k: KernelExports;
  private readonly staged: Staged[] = [];

  constructor(runtime: WasmRuntime) {
    this.runtime = runtime;
    this.k = runtime.kernels;
  }

  /** Threads kernels are split across, this one included. */
  get threads(): number {
    return this.runtime.threads;
  }

  /** The instruction set the kernels were built for: `relaxed-simd` (fused multiply-add) or `simd`. */
  get simd(): 'relaxed-simd' | 'simd' {
    return this.runtime.relaxedSimd ? 'relaxed-simd' : 'simd';
  }

  /** How much of the module's memory tensors occupy. */
  memoryStats(): HeapStats {
    return this.runtime.heap.stats();
  }

  /**
   * Resolves once every worker thread has booted and takes its share of each job. Kernels never
   * wait for it: until then the threads already up (this one at least) do all the work.
   */
  ready(): Promise<void> {
    return this.runtime.ready();
  }

  /** Stops the worker threads (kernels keep running, on this thread). */
  close(): void {
    this.runtime.close();
  }

  alloc(size: number, zeroed = true): Float32Array {
    return this.runtime.heap.alloc(size, zeroed);
  }

  free(buffer: Float32Array): void {
    this.runtime.heap.free(buffer);
  }

  // ---- addresses ----

  /** The address of x, staging a copy of it if it lives outside the module's memory. */
  protected in(x: Float32Array | Int32Array): Ptr {
    const at = this.runtime.heap.addressOf(x);
    return at >= 0 ? at : this.stage(x, false);
  }

  /**
   * The address of an array a kernel writes. A staged copy starts as a copy too, so the parts the
   * kernel leaves alone (other batches of a batched matmul) come back unchanged.
   */
  protected out(x: Float32Array): Ptr {
    const at = this.runtime.heap.addressOf(x);
    return at >= 0 ? at : this.stage(x, true);
  }

  /** The address of an optional array, 0 for null. */
  protected opt(x: Float32Array | null, write = false): Ptr {
    return x ? (write ? this.out(x) : this.in(x)) : 0;
  }

  private stage(x: Float32Array | Int32Array, writeBack: boolean): Ptr {
    const heap = this.runtime.heap;
    const block = heap.alloc(x.length, false);
    const at = heap.addressOf(block);
    if (x instanceof Int32Array) new Int32Array(block.buffer, at, x.length).set(x);
    else block.set(x);
    this.staged.push({ source: x, block, writeBack });
    return at;
  }

  /** Copies staged outputs back and frees the staging blocks. */
  private unstage(): void {
    const heap = this.runtime.heap;
    for (const { source, block, writeBack } of this.staged.splice(0)) {
      if (writeBack) {
        if (source instanceof Int32Array) source.set(new Int32Array(block.buffer, block.byteOffset, source.length));
        else source.set(block);
      }
      heap.free(block);
    }
  }

  /** Runs `fn` (which resolves addresses and calls kernels), then copies back anything staged. */
  protected call<T>(fn: () => T): T {
    try {
      return fn();
    } finally {
      if (this.staged.length > 0) this.unstage();
    }
  }
}
