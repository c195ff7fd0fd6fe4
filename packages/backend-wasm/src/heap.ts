// The allocator over the kernels module's linear memory: size-class free lists, so freed tensors are reused.

import type { Ptr } from './module.js';

/** Memory at addresses below this is the pool's control area; blocks start here. */
export const HEAP_BASE = 65536;

const PAGE = 65536;
/** Blocks are multiples of a cache line, so every buffer is 64-byte aligned. */
const LINE = 64;

/**
 * Bytes of the block that holds `bytes`: a multiple of 64, rounded up to one of eight size
 * classes per power of two, so a block is at most 12.5 % larger than asked for and a freed block
 * fits every later request of a similar size.
 */
export function blockBytes(bytes: number): number {
  if (bytes <= LINE) return LINE;
  const step = Math.max(LINE, 2 ** (Math.floor(Math.log2(bytes)) - 3));
  return Math.ceil(bytes / step) * step;
}

/** How much of the heap is in use, for tests and logs. */
export interface HeapStats {
  /** Size of the linear memory in bytes. */
  memoryBytes: number;
  /** Bytes in blocks handed out and not yet freed. */
  liveBytes: number;
  /** Number of blocks handed out and not yet freed. */
  liveBlocks: number;
  /** Bytes in freed blocks waiting on a free list for reuse. */
  freeBytes: number;
  /**
   * Bytes of blocks ever carved from the memory (live plus free): the high-water mark. Once every
   * request is served from the free lists it stays exactly where it is.
   */
  highWaterBytes: number;
}

/** Options of a `WasmHeap`. */
export interface HeapOptions {
  /** Fill freed blocks with NaN so a use after free shows up in results (for tests). Default false. */
  poisonFreed?: boolean;
}

/**
 * Hands out Float32Array views into a WebAssembly.Memory and takes them back. Blocks return only
 * through `free` (autograd calls it when a tensor is disposed: see its lifetime rules), never
 * through the garbage collector, so memory use is the same whether or not the event loop turns.
 *
 * Growth: with a shared memory, growing leaves earlier views valid (each keeps the
 * SharedArrayBuffer it was made on), so the heap grows on demand up to the memory's maximum.
 * An unshared memory detaches every view when it grows, so it is never grown: it must be created
 * at its full size, and allocation beyond it throws.
 */
export class WasmHeap {
  readonly memory: WebAssembly.Memory;
  readonly shared: boolean;
  private readonly maxBytes: number;
  /**
   * The address of every view `alloc` handed out. Views are recognised by identity, not by their
   * buffer: V8 may replace a shared memory's SharedArrayBuffer object at any time (when it grows,
   * and again when other threads are told), so buffer identity says nothing.
   */
  private readonly owned = new WeakMap<Float32Array | Int32Array, Ptr>();
  private f32: Float32Array;
  private top = HEAP_BASE;
  /** Block size of each live block, by address. */
  private readonly live = new Map<Ptr, number>();
  /** Free blocks by block size. */
  private readonly freeLists = new Map<number, Ptr[]>();
  private liveBytes = 0;
  private freeBytes = 0;
  private readonly poison: boolean;
  /** Zeroes a byte range of the memory: the kernels' bulk fill once `useZeroFill` has set it. */
  private zero: ((ptr: Ptr, bytes: number) => void) | null = null;

  /** Manages `memory` (whose first 64 KiB are left to the caller) of at most `maxBytes`. */
  constructor(memory: WebAssembly.Memory, maxBytes: number, options: HeapOptions = {}) {
    this.memory = memory;
    this.shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    this.maxBytes = this.shared ? maxBytes : memory.buffer.byteLength;
    this.f32 = this.refresh();
    this.poison = options.poisonFreed ?? false;
  }

  private refresh(): Float32Array {
    this.f32 = new Float32Array(this.memory.buffer);
    return this.f32;
  }

  /** A Float32Array over the whole memory as it is now (re-made after growth). */
  get view(): Float32Array {
    if (this.f32.buffer !== this.memory.buffer) this.refresh();
    return this.f32;
  }

  /**
   * A block for `size` floats, as a view of exactly `size` floats: zero-filled when `zeroed`
   * (default), else with whatever a recycled block held (for outputs a kernel overwrites).
   */
  alloc(size: number, zeroed = true): Float32Array {
    if (!Number.isInteger(size) || size < 0)
      throw new RangeError(`alloc: size must be a non-negative integer, got ${size}`);
    const bytes = blockBytes(size * 4);
    const list = this.freeLists.get(bytes);
    const recycled = list?.pop();
    if (recycled !== undefined) this.freeBytes -= bytes;
    const ptr = recycled ?? this.bump(bytes);
    this.live.set(ptr, bytes);
    this.liveBytes += bytes;
    const out = new Float32Array(this.memory.buffer, ptr, size);
    // Fresh memory is zero already; a reused block is not.
    if (zeroed && recycled !== undefined) this.zeroRange(out, ptr, size * 4);
    this.owned.set(out, ptr);
    return out;
  }

  /**
   * Zeroes reused blocks (and `fill`s) with `zero` (the kernels' `memory.fill`, about four times a
   * typed array's `fill(0)` on a shared memory) instead of `Float32Array.fill`.
   */
  useZeroFill(zero: (ptr: Ptr, bytes: number) => void): void {
    this.zero = zero;
  }

  /** Sets every element of `array` to 0; `array` must be a view `alloc` handed out at `ptr`. */
  private zeroRange(array: Float32Array, ptr: Ptr, bytes: number): void {
    if (this.zero) this.zero(ptr, bytes);
    else array.fill(0);
  }

  /** Sets every element of `array` to 0: through the bulk fill if it is a view of this heap, else `fill(0)`. */
  fillZero(array: Float32Array): void {
    const ptr = this.owned.get(array);
    if (ptr !== undefined && this.zero) this.zero(ptr, array.length * 4);
    else array.fill(0);
  }

  /** Returns a block from `alloc` to its free list. Freeing anything else, or twice, throws. */
  free(buffer: Float32Array): void {
    const ptr = this.owned.get(buffer);
    if (ptr === undefined || !this.live.has(ptr)) {
      throw new Error('free: this buffer was not allocated by this backend, or was freed already');
    }
    this.owned.delete(buffer);
    this.release(ptr);
  }

  private release(ptr: Ptr): void {
    const bytes = this.live.get(ptr)!;
    this.live.delete(ptr);
    this.liveBytes -= bytes;
    this.freeBytes += bytes;
    if (this.poison) this.view.fill(NaN, ptr >>> 2, (ptr + bytes) >>> 2);
    let list = this.freeLists.get(bytes);
    if (!list) this.freeLists.set(bytes, (list = []));
    list.push(ptr);
  }

  /** Carves a new block off the top of the heap, growing the memory if it must. */
  private bump(bytes: number): Ptr {
    const ptr = this.top;
    const end = ptr + bytes;
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      if (end > this.maxBytes) {
        throw new RangeError(
          `out of WebAssembly memory: ${mib(bytes)} more needed with ${mib(this.liveBytes)} in use, of at most ` +
            `${mib(this.maxBytes)}. Either the work is too big for this backend (a smaller model or batch, or ` +
            `--backend js, which is not bounded this way), or a loop keeps tensors it no longer uses ` +
            `(run each step inside tidy(), or dispose() what it drops)`,
        );
      }
      // Grow by at least a quarter of the current size so growth happens rarely.
      const want = Math.min(this.maxBytes, Math.max(end, have + Math.floor(have / 4)));
      this.memory.grow(Math.ceil((want - have) / PAGE));
      this.refresh();
    }
    this.top = end;
    return ptr;
  }

  /**
   * The address of `array`'s first element if it is a view `alloc` handed out, else −1 (for
   * arrays made elsewhere, and for other views into this memory, which kernels then copy).
   */
  addressOf(array: Float32Array | Int32Array): Ptr {
    return this.owned.get(array) ?? -1;
  }

  /** Current occupancy. */
  stats(): HeapStats {
    return {
      memoryBytes: this.memory.buffer.byteLength,
      liveBytes: this.liveBytes,
      liveBlocks: this.live.size,
      freeBytes: this.freeBytes,
      highWaterBytes: this.top - HEAP_BASE,
    };
  }
}

/** Bytes as mebibytes with one decimal, for messages. */
function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}
