// Matrix product C = op(A)·op(B), batched with broadcast batch dims: dA = dC·op(B)ᵀ, dB = op(A)ᵀ·dC via sgemm flags.

import { getBackend } from '../backend/active.js';
import { empty } from '../creation.js';
import { gradAdds, gradOf, record } from '../graph.js';
import { broadcastShapes, showShape, sizeOf } from '../shape.js';
import type { Shape } from '../shape.js';
import type { Backend, GemmMask } from '../backend/backend.js';
import type { Tensor } from '../tensor.js';
import type { OpDef } from './op-def.js';

/** Which operands enter the product transposed (last two axes swapped), without copying them, and whether it is causal. */
export interface MatmulOptions {
  transA?: boolean;
  transB?: boolean;
  /**
   * A causal product, as attention's, where entry (i, j) of an R×C matrix is kept when
   * j ≤ i + C − R (query i attends to keys up to its own position):
   * - 'output': lower(a·bᵀ), the rest 0 (with `transB`, as scores = q·kᵀ);
   * - 'left': lower(a)·b, a taken as 0 above the diagonal (as attention weights · values).
   *
   * Gradients are those of the masked product. A backend may skip the work the mask makes zero
   * (the wasm backend does: about half of attention's multiply-adds), with the same bits.
   */
  causal?: 'output' | 'left';
}

/** The masks of a causal product's forward, dA and dB products (see `GemmMask`). */
const CAUSAL_MASKS = {
  output: { forward: 'lowerC', dA: 'lowerA', dB: 'upperA' },
  left: { forward: 'lowerA', dA: 'lowerC', dB: 'upperA' },
} as const satisfies Record<string, Record<string, GemmMask>>;
const NO_MASKS = { forward: 'none', dA: 'none', dB: 'none' } as const;

/** For each output batch, the batch index into an operand with batch shape `own` broadcast to `out`. */
function batchIndex(own: Shape, out: Shape): Int32Array {
  const n = sizeOf(out);
  const idx = new Int32Array(n);
  const lead = out.length - own.length;
  for (let b = 0; b < n; b++) {
    let rem = b;
    let flat = 0;
    let stride = 1;
    for (let d = out.length - 1; d >= 0; d--) {
      const coord = rem % out[d]!;
      rem = (rem - coord) / out[d]!;
      if (d >= lead) {
        const size = own[d - lead]!;
        flat += (size === 1 ? 0 : coord) * stride;
        stride *= size;
      }
    }
    idx[b] = flat;
  }
  return idx;
}

/**
 * One product z (+)= op(x)·op(y) on `be`, as `Backend.sgemm`, under `mask` about `diagonal` unless
 * 'none' (through the batched kernel, the one that takes masks).
 */
function gemm(
  be: Backend,
  mask: GemmMask,
  diagonal: number,
  tA: boolean,
  tB: boolean,
  m: number,
  n: number,
  k: number,
  x: Float32Array,
  xOff: number,
  y: Float32Array,
  yOff: number,
  z: Float32Array,
  zOff: number,
  acc: boolean,
): void {
  if (mask === 'none') be.sgemm(tA, tB, m, n, k, x, xOff, y, yOff, z, zOff, acc);
  else be.sgemmBatched(tA, tB, m, n, k, 1, x, xOff, 0, y, yOff, 0, z, zOff, 0, acc, mask, diagonal);
}

/** The common difference of `idx` when it steps evenly and never backwards (0 or more), else null. */
function evenStep(idx: Int32Array): number | null {
  if (idx.length < 2) return 0;
  const step = idx[1]! - idx[0]!;
  if (step < 0) return null;
  for (let i = 2; i < idx.length; i++) if (idx[i]! - idx[i - 1]! !== step) return null;
  return step;
}

/**
 * op(a)·op(b): (M, K)@(K, N) → (M, N), or (..., M, K)@(..., K, N) → (..., M, N) with the batch
 * axes broadcast. With `transA`/`transB` an operand's last two axes are read swapped; with `causal`
 * the product is attention's, masked below its diagonal.
 * @example x.matmul(w) // (B, T, C)@(C, N) → (B, T, N), one sgemm over B·T rows
 * @example matmul(q, k, { transB: true, causal: 'output' }) // (B, nh, T, hs)·(B, nh, T, hs)ᵀ, j > i left 0
 */
export function matmul(a: Tensor, b: Tensor, opts: MatmulOptions = {}): Tensor {
  const transA = opts.transA ?? false;
  const transB = opts.transB ?? false;
  const { causal } = opts;
  if (causal !== undefined) {
    if (causal !== 'output' && causal !== 'left') {
      throw new Error(`matmul: causal must be 'output' or 'left', got ${String(causal)}`);
    }
    if (transA || transB !== (causal === 'output')) {
      const form = causal === 'output' ? 'a·bᵀ (transB only)' : 'a·b (no transposes)';
      throw new Error(`matmul: causal '${causal}' is for ${form}`);
    }
  }
  if (a.ndim < 2 || b.ndim < 2) {
    throw new Error(`matmul: needs at least 2-D operands, got ${showShape(a.shape)} and ${showShape(b.shape)}`);
  }
  const [ar, ac] = a.shape.slice(-2) as [number, number];
  const [br, bc] = b.shape.slice(-2) as [number, number];
  const [M, K] = transA ? [ac, ar] : [ar, ac];
  const [K2, N] = transB ? [bc, br] : [br, bc];
  if (K !== K2) {
    throw new Error(
      `matmul: inner sizes differ: ${showShape(a.shape)}${transA ? 'ᵀ' : ''} @ ${showShape(b.shape)}${transB ? 'ᵀ' : ''}`,
    );
  }
  const aBatch = a.shape.slice(0, -2);
  const bBatch = b.shape.slice(0, -2);
  const be = getBackend();
  // A 2-D right operand folds all of a's batch axes into M: one large product instead of many small.
  const fold = b.ndim === 2 && !transA && !causal;
  const batch = fold ? [] : broadcastShapes(aBatch, bBatch);
  const rows = fold ? sizeOf(aBatch) * M : M;
  const out = empty(fold ? [...aBatch, M, N] : [...batch, M, N]);
  const count = sizeOf(batch);
  const ai = batchIndex(fold ? [] : aBatch, batch);
  const bi = batchIndex(bBatch, batch);
  const aSize = M * K;
  const bSize = K * N;
  const cSize = rows * N;
  // Batch indices that step evenly (every product its own operand, or one shared: the usual case)
  // become one batched call, which a backend can spread over threads; others go product by product.
  const aStep = evenStep(ai);
  const bStep = evenStep(bi);
  const batched = count > 1 && aStep !== null && bStep !== null;
  const aStride = (aStep ?? 0) * aSize;
  const bStride = (bStep ?? 0) * bSize;
  const aOff0 = count > 0 ? ai[0]! * aSize : 0;
  const bOff0 = count > 0 ? bi[0]! * bSize : 0;
  const masks: Record<'forward' | 'dA' | 'dB', GemmMask> = causal ? CAUSAL_MASKS[causal] : NO_MASKS;
  const diagonal = (causal === 'output' ? N : K) - M;
  if (batched) {
    be.sgemmBatched(
      transA,
      transB,
      rows,
      N,
      K,
      count,
      a.data,
      aOff0,
      aStride,
      b.data,
      bOff0,
      bStride,
      out.data,
      0,
      cSize,
      false,
      masks.forward,
      diagonal,
    );
  } else {
    for (let i = 0; i < count; i++) {
      const [aOff, bOff] = [ai[i]! * aSize, bi[i]! * bSize];
      gemm(
        be,
        masks.forward,
        diagonal,
        transA,
        transB,
        rows,
        N,
        K,
        a.data,
        aOff,
        b.data,
        bOff,
        out.data,
        i * cSize,
        false,
      );
    }
  }
  // Whether the products of backward write every element of dA (dB) once: then a new gradient
  // needs no zero fill, the first product overwrites it.
  const aOnce =
    aOff0 === 0 && (count === 1 ? a.size === rows * K : batched && aStride === aSize && count * aSize === a.size);
  const bOnce =
    bOff0 === 0 && (count === 1 ? b.size === bSize : batched && bStride === bSize && count * bSize === b.size);
  return record(out, 'matmul', [a, b], (g) => {
    if (batched) {
      // The same four products as below, each over the whole batch (a stride-0 gradient sums in order).
      if (a.requiresGrad) {
        const addA = aOnce ? gradAdds(a) : true;
        const da = gradOf(a);
        if (!transA)
          be.sgemmBatched(
            false,
            !transB,
            rows,
            K,
            N,
            count,
            g,
            0,
            cSize,
            b.data,
            bOff0,
            bStride,
            da,
            aOff0,
            aStride,
            addA,
            masks.dA,
            diagonal,
          );
        else
          be.sgemmBatched(
            transB,
            true,
            K,
            rows,
            N,
            count,
            b.data,
            bOff0,
            bStride,
            g,
            0,
            cSize,
            da,
            aOff0,
            aStride,
            addA,
          );
      }
      if (b.requiresGrad) {
        const addB = bOnce ? gradAdds(b) : true;
        const db = gradOf(b);
        if (!transB)
          be.sgemmBatched(
            !transA,
            false,
            K,
            N,
            rows,
            count,
            a.data,
            aOff0,
            aStride,
            g,
            0,
            cSize,
            db,
            bOff0,
            bStride,
            addB,
            masks.dB,
            diagonal,
          );
        else
          be.sgemmBatched(
            true,
            transA,
            N,
            K,
            rows,
            count,
            g,
            0,
            cSize,
            a.data,
            aOff0,
            aStride,
            db,
            bOff0,
            bStride,
            addB,
            masks.dB,
            diagonal,
          );
      }
      return;
    }
    for (let i = 0; i < count; i++) {
      const aOff = ai[i]! * aSize;
      const bOff = bi[i]! * bSize;
      const cOff = i * cSize;
      if (a.requiresGrad) {
        const addA = aOnce ? gradAdds(a) : true;
        const da = gradOf(a);
        if (!transA)
          gemm(be, masks.dA, diagonal, false, !transB, rows, K, N, g, cOff, b.data, bOff, da, aOff, addA); // dA = dC·op(B)ᵀ
        else be.sgemm(transB, true, K, rows, N, b.data, bOff, g, cOff, da, aOff, addA); // dAᵀ = op(B)·dCᵀ
      }
      if (b.requiresGrad) {
        const addB = bOnce ? gradAdds(b) : true;
        const db = gradOf(b);
        if (!transB)
          gemm(be, masks.dB, diagonal, !transA, false, K, N, rows, a.data, aOff, g, cOff, db, bOff, addB); // dB = op(A)ᵀ·dC
        else gemm(be, masks.dB, diagonal, true, transA, N, K, rows, g, cOff, a.data, aOff, db, bOff, addB); // dBᵀ = dCᵀ·op(A)
      }
    }
  });
}

/** The registry entry of `matmul`. */
export const matmulOp = {
  name: 'matmul',
  apply: matmul,
  summary: 'A·B; dA = dC·Bᵀ, dB = Aᵀ·dC',
} satisfies OpDef<'matmul'>;
