// Shape arithmetic shared by tensors and ops: sizes, broadcasting, axis normalisation.

/** Dimension sizes, outermost first: `[B, T, C]`. A scalar has shape `[]`. */
export type Shape = readonly number[];

/** Number of elements of `shape` (1 for a scalar). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i]!; // indexed: shapes are frozen, and for-of over them allocates
  return n;
}

/** True when both shapes have the same rank and sizes. */
export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** `[2, 3]` as text for error messages. */
export function showShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

/** The NumPy broadcast of two shapes; throws naming both when they are incompatible. */
export function broadcastShapes(a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(`shapes ${showShape(a)} and ${showShape(b)} cannot be broadcast together`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** An axis in [0, rank), accepting negative axes counted from the end. */
export function normAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) {
    throw new RangeError(`axis ${axis} is out of range for a tensor of rank ${rank}`);
  }
  return a;
}

/** Sorted, distinct, non-negative axes; `undefined` means all of them. */
export function normAxes(axis: number | readonly number[] | undefined, rank: number): number[] {
  if (axis === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axis === 'number' ? [axis] : axis;
  const out = [...new Set(list.map((a) => normAxis(a, rank)))].sort((x, y) => x - y);
  if (out.length !== list.length) throw new Error(`repeated axis in [${list.join(', ')}]`);
  return out;
}

/** `shape` with the given axes set to 1 (keepdim) or removed. */
export function reducedShape(shape: Shape, axes: readonly number[], keepdim: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (!axes.includes(i)) out.push(shape[i]!);
    else if (keepdim) out.push(1);
  }
  return out;
}

/** Validates a shape: non-negative integer sizes. */
export function checkShape(shape: Shape): void {
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i]!;
    if (!Number.isInteger(d) || d < 0) throw new Error(`invalid shape ${showShape(shape)}: sizes must be integers ≥ 0`);
  }
}
