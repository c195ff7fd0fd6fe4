// The allocator: size classes, reuse, growth of a shared memory, the fixed-size unshared fallback.

import { describe, expect, it } from 'vitest';
import { HEAP_BASE, WasmHeap, blockBytes } from './heap.js';

const MIB = 1 << 20;

describe('blockBytes', () => {
  it('rounds up to a multiple of 64 within 12.5 % of the request', () => {
    for (const bytes of [1, 4, 63, 64, 65, 100, 1000, 4096, 4097, 123_457, 3_000_001]) {
      const block = blockBytes(bytes);
      expect(block % 64).toBe(0);
      expect(block).toBeGreaterThanOrEqual(bytes);
      if (bytes > 512) expect(block).toBeLessThanOrEqual(bytes * 1.125 + 64);
    }
  });

  it('maps requests of nearly the same size to the same class, so freed blocks get reused', () => {
    expect(blockBytes(4 * 1000)).toBe(blockBytes(4 * 990));
    expect(new Set([4000, 4004, 4020, 4096].map(blockBytes)).size).toBe(1);
  });
});

describe('WasmHeap', () => {
  it('starts blocks above its reserved area and knows which arrays live in its memory', () => {
    const heap = new WasmHeap(new WebAssembly.Memory({ initial: 4, maximum: 64, shared: true }), 64 * 65536);
    const a = heap.alloc(10);
    expect(a.byteOffset).toBeGreaterThanOrEqual(HEAP_BASE);
    expect(heap.addressOf(a)).toBe(a.byteOffset);
    expect(heap.addressOf(new Float32Array(10))).toBe(-1);
    // Other views into the memory are not blocks of the heap: kernels copy them like foreign arrays.
    expect(heap.addressOf(a.subarray(1))).toBe(-1);
  });

  it('grows a shared memory on demand and earlier views stay valid', () => {
    const memory = new WebAssembly.Memory({ initial: 2, maximum: 256, shared: true });
    const heap = new WasmHeap(memory, 256 * 65536);
    const first = heap.alloc(1000).fill(3);
    const big = heap.alloc(2 * MIB); // 8 MiB: several growths
    expect(memory.buffer.byteLength).toBeGreaterThan(8 * MIB);
    expect(first.length).toBe(1000);
    expect(first.every((v) => v === 3)).toBe(true);
    big.fill(1);
    expect(heap.addressOf(first)).toBe(first.byteOffset);
    expect(heap.addressOf(big)).toBe(big.byteOffset);
    expect(heap.stats().liveBlocks).toBe(2);
  });

  it('never grows an unshared memory, whose growth would detach every view, and says so', () => {
    const memory = new WebAssembly.Memory({ initial: 4, maximum: 4 });
    const heap = new WasmHeap(memory, 1 << 30);
    heap.alloc(1000);
    expect(() => heap.alloc(MIB)).toThrow(
      /out of WebAssembly memory: [\d.]+ MiB more needed with [\d.]+ MiB in use, of at most [\d.]+ MiB\. Either the work is too big/,
    );
  });

  it('reuses a freed block for a request of its size class, zero-filled', () => {
    const heap = new WasmHeap(new WebAssembly.Memory({ initial: 4, maximum: 64, shared: true }), 64 * 65536);
    const a = heap.alloc(500).fill(9);
    const at = a.byteOffset;
    heap.free(a);
    expect(heap.stats().freeBytes).toBe(blockBytes(2000));
    const b = heap.alloc(497);
    expect(b.byteOffset).toBe(at);
    expect(b.every((v) => v === 0)).toBe(true);
    expect(heap.stats()).toMatchObject({ liveBlocks: 1, freeBytes: 0 });
  });

  it('poisons freed blocks with NaN when asked, so a use after free shows', () => {
    const heap = new WasmHeap(new WebAssembly.Memory({ initial: 4, maximum: 64, shared: true }), 64 * 65536, {
      poisonFreed: true,
    });
    const a = heap.alloc(8).fill(1);
    const alias = new Float32Array(a.buffer, a.byteOffset, 8);
    heap.free(a);
    expect(alias.every((v) => Number.isNaN(v))).toBe(true);
  });

  it('rejects sizes that are not counts', () => {
    const heap = new WasmHeap(new WebAssembly.Memory({ initial: 4, maximum: 64, shared: true }), 64 * 65536);
    expect(() => heap.alloc(-1)).toThrow(/size must be a non-negative integer, got -1/);
    expect(() => heap.alloc(2.5)).toThrow(/non-negative integer/);
  });
});
