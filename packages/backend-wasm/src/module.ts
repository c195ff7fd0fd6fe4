// Loads the kernels WebAssembly module embedded at build time and describes its exports.

import { plainKernelsBase64, sharedKernelsBase64 } from './generated/kernels.js';

/** A byte address in the module's linear memory. */
export type Ptr = number;

/**
 * The exports of kernels.wasm (assembly/index.ts). Pointers are byte addresses, counts are
 * elements, booleans are 0/1; every kernel reads and writes the module's memory only.
 */
export interface KernelExports {
  sgemm(
    transA: number, transB: number, M: number, N: number, K: number,
    a: Ptr, lda: number, b: Ptr, ldb: number, c: Ptr, ldc: number,
    accumulate: number, work: Ptr,
  ): void;
  sgemmWorkspaceBytes(): number;
  peakMulAdd(n: number, x: number, y: number): number;
}

/** Names of the exports a worker thread may be asked to run, in the order the pool numbers them. */
export const threadedKernels = ['sgemm'] as const satisfies readonly (keyof KernelExports)[];

/** One of `threadedKernels`. */
export type ThreadedKernel = (typeof threadedKernels)[number];

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * Compiles the kernels for a shared memory (usable from worker threads) or an ordinary one.
 * Compilation is asynchronous so it also works on a browser's main thread.
 */
export function compileKernels(shared: boolean): Promise<WebAssembly.Module> {
  return WebAssembly.compile(decodeBase64(shared ? sharedKernelsBase64 : plainKernelsBase64));
}

/** Instantiates compiled kernels over `memory` (which must match the variant: shared or not). */
export async function instantiateKernels(module: WebAssembly.Module, memory: WebAssembly.Memory): Promise<KernelExports> {
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  return instance.exports as unknown as KernelExports;
}

/** Whether this JavaScript environment can share a WebAssembly.Memory with workers. */
export function sharedMemorySupported(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  try {
    const probe = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    return probe.buffer instanceof SharedArrayBuffer;
  } catch {
    return false;
  }
}
