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
    transA: number,
    transB: number,
    M: number,
    N: number,
    K: number,
    a: Ptr,
    lda: number,
    b: Ptr,
    ldb: number,
    c: Ptr,
    ldc: number,
    accumulate: number,
    work: Ptr,
  ): void;
  sgemmWorkspaceBytes(): number;
  unary(op: number, x: Ptr, out: Ptr, n: number): void;
  unaryBackward(op: number, x: Ptr, y: Ptr, dy: Ptr, dx: Ptr, n: number): void;
  powScalar(x: Ptr, p: number, out: Ptr, n: number): void;
  powScalarBackward(x: Ptr, p: number, dy: Ptr, dx: Ptr, n: number): void;
  binary(
    op: number,
    acc: number,
    a: Ptr,
    b: Ptr,
    out: Ptr,
    d0: number,
    d1: number,
    d2: number,
    d3: number,
    sa0: number,
    sa1: number,
    sa2: number,
    sa3: number,
    sb0: number,
    sb1: number,
    sb2: number,
    sb3: number,
  ): void;
  where(
    cond: Ptr,
    a: Ptr,
    b: Ptr,
    out: Ptr,
    d0: number,
    d1: number,
    d2: number,
    d3: number,
    sc0: number,
    sc1: number,
    sc2: number,
    sc3: number,
    sa0: number,
    sa1: number,
    sa2: number,
    sa3: number,
    sb0: number,
    sb1: number,
    sb2: number,
    sb3: number,
  ): void;
  axpy(alpha: number, x: Ptr, y: Ptr, n: number): void;
  scale(x: Ptr, alpha: number, n: number): void;
  sumSquares(x: Ptr, n: number): number;
  adamw(
    p: Ptr,
    g: Ptr,
    m: Ptr,
    v: Ptr,
    n: number,
    beta1: number,
    beta2: number,
    eps: number,
    decay: number,
    stepSize: number,
    sqrtBc2: number,
  ): void;
  sgd(p: Ptr, g: Ptr, buf: Ptr, n: number, lr: number, momentum: number, weightDecay: number): void;
  sumTo(
    x: Ptr,
    out: Ptr,
    d0: number,
    d1: number,
    d2: number,
    d3: number,
    so0: number,
    so1: number,
    so2: number,
    so3: number,
  ): void;
  broadcastTo(
    x: Ptr,
    out: Ptr,
    acc: number,
    d0: number,
    d1: number,
    d2: number,
    d3: number,
    sx0: number,
    sx1: number,
    sx2: number,
    sx3: number,
  ): void;
  permute(
    x: Ptr,
    out: Ptr,
    acc: number,
    d0: number,
    d1: number,
    d2: number,
    d3: number,
    sx0: number,
    sx1: number,
    sx2: number,
    sx3: number,
  ): void;
  copyAxis(
    src: Ptr,
    srcAxis: number,
    srcStart: number,
    dst: Ptr,
    dstAxis: number,
    dstStart: number,
    outer: number,
    len: number,
    inner: number,
    acc: number,
  ): void;
  softmax(x: Ptr, rows: number, cols: number, out: Ptr): void;
  softmaxBackward(y: Ptr, dy: Ptr, rows: number, cols: number, dx: Ptr): void;
  logSoftmax(x: Ptr, rows: number, cols: number, out: Ptr): void;
  logSoftmaxBackward(y: Ptr, dy: Ptr, rows: number, cols: number, dx: Ptr): void;
  crossEntropy(logits: Ptr, rows: number, cols: number, targets: Ptr, ignoreIndex: number, lse: Ptr): number;
  crossEntropyBackward(
    logits: Ptr,
    lse: Ptr,
    rows: number,
    cols: number,
    targets: Ptr,
    ignoreIndex: number,
    scale: number,
    dx: Ptr,
  ): void;
  layerNorm(
    x: Ptr,
    rows: number,
    cols: number,
    weight: Ptr,
    bias: Ptr,
    eps: number,
    out: Ptr,
    mean: Ptr,
    rstd: Ptr,
  ): void;
  layerNormBackward(
    x: Ptr,
    dy: Ptr,
    rows: number,
    cols: number,
    weight: Ptr,
    mean: Ptr,
    rstd: Ptr,
    dx: Ptr,
    dWeight: Ptr,
    dBias: Ptr,
  ): void;
  peakMulAdd(n: number, x: number, y: number): number;
}

/** Names of the exports a worker thread may be asked to run, in the order the pool numbers them. */
export const threadedKernels = [
  'sgemm',
  'unary',
  'unaryBackward',
  'binary',
  'axpy',
  'adamw',
  'sgd',
  'softmax',
  'softmaxBackward',
  'logSoftmax',
  'logSoftmaxBackward',
  'layerNorm',
] as const satisfies readonly (keyof KernelExports)[];

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
export async function instantiateKernels(
  module: WebAssembly.Module,
  memory: WebAssembly.Memory,
): Promise<KernelExports> {
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
