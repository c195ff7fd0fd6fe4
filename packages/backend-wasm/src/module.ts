// Loads the kernels WebAssembly module embedded at build time and describes its exports.

import {
  plainKernelsBase64,
  plainRelaxedKernelsBase64,
  sharedKernelsBase64,
  sharedRelaxedKernelsBase64,
} from './generated/kernels.js';

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
  sgemmBatched(
    transA: number,
    transB: number,
    M: number,
    N: number,
    K: number,
    a: Ptr,
    lda: number,
    aStride: number,
    b: Ptr,
    ldb: number,
    bStride: number,
    c: Ptr,
    ldc: number,
    cStride: number,
    accumulate: number,
    batch: number,
    work: Ptr,
    mask: number,
    diagonal: number,
  ): void;
  gemv(transW: number, N: number, K: number, x: Ptr, w: Ptr, ldw: number, y: Ptr, accumulate: number): void;
  sgemmWorkspaceBytes(): number;
  sgemmPackB(transB: number, N: number, K: number, b: Ptr, ldb: number, j0: number, nc: number, dst: Ptr): void;
  sgemmPackedB(
    transA: number,
    M: number,
    N: number,
    K: number,
    a: Ptr,
    lda: number,
    bp: Ptr,
    c: Ptr,
    ldc: number,
    accumulate: number,
    work: Ptr,
  ): void;
  zeroFill(p: Ptr, bytes: number): void;
  unary(op: number, x: Ptr, out: Ptr, n: number): void;
  unaryBackward(op: number, x: Ptr, y: Ptr, dy: Ptr, dx: Ptr, n: number, acc: number): void;
  unaryWithDerivative(op: number, x: Ptr, out: Ptr, deriv: Ptr, n: number): void;
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
  adamwMany(table: Ptr, rows: number, beta1: number, beta2: number, eps: number, sqrtBc2: number): void;
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
  indexSelectBackward(dy: Ptr, rowSize: number, ids: Ptr, n: number, dx: Ptr): void;
  softmax(x: Ptr, rows: number, cols: number, out: Ptr): void;
  softmaxBackward(y: Ptr, dy: Ptr, rows: number, cols: number, dx: Ptr): void;
  causalSoftmax(x: Ptr, rows: number, T: number, Tk: number, scale: number, out: Ptr): void;
  causalSoftmaxBackward(
    y: Ptr,
    dy: Ptr,
    rows: number,
    T: number,
    Tk: number,
    scale: number,
    dx: Ptr,
    acc: number,
  ): void;
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
  'sgemmBatched',
  'sgemmPackB',
  'sgemmPackedB',
  'unary',
  'unaryBackward',
  'unaryWithDerivative',
  'binary',
  'axpy',
  'adamw',
  'adamwMany',
  'sgd',
  'softmax',
  'softmaxBackward',
  'causalSoftmax',
  'causalSoftmaxBackward',
  'logSoftmax',
  'logSoftmaxBackward',
  'layerNorm',
  'gemv',
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
 * Compiles the kernels for a shared memory (usable from worker threads) or an ordinary one, built
 * with relaxed SIMD (fused multiply-add) or plain SIMD. Compilation is asynchronous so it also works
 * on a browser's main thread.
 */
export function compileKernels(shared: boolean, relaxed = false): Promise<WebAssembly.Module> {
  const base64 = relaxed
    ? shared
      ? sharedRelaxedKernelsBase64
      : plainRelaxedKernelsBase64
    : shared
      ? sharedKernelsBase64
      : plainKernelsBase64;
  return WebAssembly.compile(decodeBase64(base64));
}

/** The smallest module using `f32x4.relaxed_madd`: `(func (drop (f32x4.relaxed_madd (v128.const 0) ×3)))`. */
function relaxedProbe(): Uint8Array<ArrayBuffer> {
  const zero = new Array<number>(16).fill(0);
  const v128Const = [0xfd, 0x0c, ...zero];
  const body = [0x00, ...v128Const, ...v128Const, ...v128Const, 0xfd, 0x85, 0x02, 0x1a, 0x0b];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...[0x01, 0x04, 0x01, 0x60, 0x00, 0x00], // type section: () → ()
    ...[0x03, 0x02, 0x01, 0x00], // function section: one function of type 0
    ...[0x0a, body.length + 2, 0x01, body.length, ...body], // code section
  ]);
}

/**
 * Node 20 has relaxed SIMD behind a V8 flag that may be set before a module using it compiles
 * (Node ≥ 22 and current Chromium have it on). Reached through `process.getBuiltinModule`, as
 * pool.ts reaches worker_threads, so this file still loads in a browser, where it does nothing.
 */
function enableRelaxedSimdInNode(): void {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const load = proc?.getBuiltinModule;
  if (typeof load !== 'function') return;
  const v8 = load.call(proc, 'node:v8') as { setFlagsFromString?: (flags: string) => void } | undefined;
  v8?.setFlagsFromString?.('--experimental-wasm-relaxed-simd');
}

let relaxedSupport: boolean | null = null;

/**
 * Whether this runtime compiles relaxed SIMD (`f32x4.relaxed_madd`), by validating a probe module;
 * in Node 20 the feature is first switched on. Detected once.
 */
export function relaxedSimdSupported(): boolean {
  if (relaxedSupport === null) {
    const probe = relaxedProbe();
    let ok = WebAssembly.validate(probe);
    if (!ok) {
      try {
        enableRelaxedSimdInNode();
        ok = WebAssembly.validate(probe);
      } catch {
        ok = false;
      }
    }
    relaxedSupport = ok;
  }
  return relaxedSupport;
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
