// @tinygpt/backend-wasm: a WebAssembly SIMD backend for @tinygpt/autograd, on one core or several.

export { WasmRuntime } from './runtime.js';
export type { WasmOptions } from './runtime.js';
export { WasmHeap, blockBytes } from './heap.js';
export type { HeapStats, HeapOptions } from './heap.js';
