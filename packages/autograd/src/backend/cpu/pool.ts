// The CPU backend's storage: Float32Arrays recycled through free lists by length, so a steady loop makes no new ones.

import type { MemoryStats } from '../backend.js';

/**
 * Free lists of Float32Arrays keyed by length. `free` keeps a buffer for the next `alloc` of the
 * same length instead of leaving it to the garbage collector; buffers never freed (tensors the
 * program just drops) are collected as usual.
 */
export class BufferPool {
  private readonly lists = new Map<number, Float32Array[]>();
  /** Buffers waiting on a free list, to catch a second `free` of the same one. */
  private readonly pooled = new WeakSet<Float32Array>();
  private liveBytes = 0;
  private freeBytes = 0;
  private highWaterBytes = 0;

  /** A buffer of `size` floats, recycled when one is free; zero-filled when `zeroed` (new ones are zero anyway). */
  alloc(size: number, zeroed: boolean): Float32Array {
    const recycled = this.lists.get(size)?.pop();
    const bytes = size * 4;
    this.liveBytes += bytes;
    if (recycled) {
      this.pooled.delete(recycled);
      this.freeBytes -= bytes;
      if (zeroed) recycled.fill(0);
      return recycled;
    }
    this.highWaterBytes = Math.max(this.highWaterBytes, this.liveBytes + this.freeBytes);
    return new Float32Array(size);
  }

  /** Puts `buffer` on the free list of its length. Freeing a buffer that is already free throws. */
  free(buffer: Float32Array): void {
    if (this.pooled.has(buffer)) throw new Error('free: this buffer was freed already');
    let list = this.lists.get(buffer.length);
    if (!list) this.lists.set(buffer.length, (list = []));
    list.push(buffer);
    this.pooled.add(buffer);
    const bytes = buffer.length * 4;
    this.liveBytes = Math.max(0, this.liveBytes - bytes);
    this.freeBytes += bytes;
  }

  /** Bytes live, free, and the most ever held. */
  stats(): MemoryStats {
    return { liveBytes: this.liveBytes, freeBytes: this.freeBytes, highWaterBytes: this.highWaterBytes };
  }
}
