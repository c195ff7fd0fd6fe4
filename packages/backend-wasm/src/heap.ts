// The allocator over the kernels module's linear memory: size-class free lists, so freed tensors are reused.

import type { Ptr } from './module.js';

/** Memory at addresses below this is the pool's control area; blocks start here. */
export const HEAP_BASE = 65536;

const PAGE = 65536;
/** Garbage-collector pressure is paid in ArrayBuffers of at least this many bytes. */
const BALLAST_BYTES = 1 << 20;
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
}

/** Options of a `WasmHeap`. */
export interface HeapOptions {
  /**
   * Give blocks dropped by the garbage collector without `free` back to the free lists (via a
   * FinalizationRegistry, whose callbacks run when the event loop turns: a training loop should
   * await between steps, as the apps do). Default true.
   */
  reclaimCollected?: boolean;
  /** Fill freed blocks with NaN so a use after free shows up in results (for tests). Default false. */
  poisonFreed?: boolean;
  /**
   * Bytes of garbage-collector pressure per byte allocated (default 0.25; 0 turns it off). The
   * collector cannot see WebAssembly memory, so blocks carry untouched ArrayBuffers of this
   * fraction of their size (one per MiB owed), which it does count: dropped tensors then get
   * collected, and their blocks reclaimed, before the memory balloons.
   */
  gcPressure?: number;
}

/**
 * Hands out zero-filled Float32Array views into a WebAssembly.Memory and takes them back.
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
  private readonly registry: FinalizationRegistry<Ptr> | null;
  private readonly poison: boolean;
  private readonly pressure: number;
  /** The ArrayBuffers that make blocks visible to the garbage collector, each held by one block. */
  private readonly ballast = new WeakMap<Float32Array, ArrayBuffer>();
  /** Pressure owed since the last ballast buffer, in bytes. */
  private debt = 0;

  /** Manages `memory` (whose first 64 KiB are left to the caller) of at most `maxBytes`. */
  constructor(memory: WebAssembly.Memory, maxBytes: number, options: HeapOptions = {}) {
    this.memory = memory;
    this.shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    this.maxBytes = this.shared ? maxBytes : memory.buffer.byteLength;
    this.f32 = this.refresh();
    this.poison = options.poisonFreed ?? false;
    this.pressure = options.gcPressure ?? 0.25;
    this.registry = (options.reclaimCollected ?? true) ? new FinalizationRegistry((ptr) => this.release(ptr)) : null;
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

  /** A zero-filled block for `size` floats, as a view of exactly `size` floats. */
  alloc(size: number): Float32Array {
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
    if (recycled !== undefined) out.fill(0);
    this.owned.set(out, ptr);
    if (this.registry) {
      this.registry.register(out, ptr, out);
      // The collector weighs ArrayBuffer bytes, not their number: one buffer per MiB of pressure,
      // hung on the block that tipped it over, is as visible as one per block and far cheaper.
      this.debt += bytes * this.pressure;
      if (this.debt >= BALLAST_BYTES) {
        this.ballast.set(out, new ArrayBuffer(Math.floor(this.debt)));
        this.debt = 0;
      }
    }
    return out;
  }

  /** Returns a block from `alloc` to its free list. Freeing anything else, or twice, throws. */
  free(buffer: Float32Array): void {
    const ptr = this.owned.get(buffer);
    if (ptr === undefined || !this.live.has(ptr)) {
      throw new Error('free: this buffer was not allocated by this backend, or was freed already');
    }
    this.owned.delete(buffer);
    this.registry?.unregister(buffer);
    this.ballast.delete(buffer);
    this.release(ptr);
  }

  private release(ptr: Ptr): void {
    const bytes = this.live.get(ptr);
    if (bytes === undefined) return;
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
          `out of WebAssembly memory: ${bytes} more bytes needed, ${this.liveBytes} live of ${this.maxBytes} available. ` +
            'Tensors dropped without free() come back only when the event loop turns: await between training steps',
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
    };
  }
}
