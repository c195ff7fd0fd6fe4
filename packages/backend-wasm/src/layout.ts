// Strided loop plans for the broadcasting kernels: size-1 axes dropped, contiguous runs merged, at most four levels per call.

/** A loop nest over `dims` (outermost first) with each operand's element stride per level. */
export interface Layout {
  readonly dims: number[];
  /** strides[k][d]: how far operand k moves when level d advances (0 where it is broadcast). */
  readonly strides: number[][];
}

/**
 * Plans a contiguous walk over `shape`, reading each operand broadcast to it (NumPy rules,
 * shapes right-aligned). Adjacent axes merge whenever every operand walks them contiguously, so
 * a bias add over (B, T, C) becomes two levels and a same-shape op one.
 */
export function broadcastLayout(shape: readonly number[], operands: readonly (readonly number[])[]): Layout {
  const rank = shape.length;
  const own = operands.map((op) => {
    // Each operand's contiguous strides, right-aligned to `shape`; 0 where it has size 1 or no axis.
    const s = new Array<number>(rank).fill(0);
    let run = 1;
    for (let d = rank - 1; d >= 0; d--) {
      const od = d - (rank - op.length);
      const size = od >= 0 ? op[od]! : 1;
      if (size === shape[d] && size !== 1) s[d] = run;
      run *= size;
    }
    return s;
  });
  const dims: number[] = [];
  const strides: number[][] = operands.map(() => []);
  for (let d = 0; d < rank; d++) {
    const size = shape[d]!;
    if (size === 1) continue;
    const last = dims.length - 1;
    if (last >= 0 && own.every((s, k) => strides[k]![last] === s[d]! * size)) {
      dims[last] = dims[last]! * size;
      own.forEach((s, k) => (strides[k]![last] = s[d]!));
    } else {
      dims.push(size);
      own.forEach((s, k) => strides[k]!.push(s[d]!));
    }
  }
  if (dims.length === 0) {
    dims.push(1);
    for (const s of strides) s.push(0);
  }
  return { dims, strides };
}

/**
 * The loop plan of `out (axis i) = x (axis dims[i])` for a contiguous x of `shape`: x's strides in
 * out order, size-1 axes dropped and runs that stay adjacent in x merged.
 */
export function permuteLayout(shape: readonly number[], dims: readonly number[]): Layout {
  const xs = new Array<number>(shape.length);
  for (let d = shape.length - 1, run = 1; d >= 0; d--) {
    xs[d] = run;
    run *= shape[d]!;
  }
  const size: number[] = [];
  const stride: number[] = [];
  for (const d of dims) {
    const len = shape[d]!;
    if (len === 1) continue;
    const last = size.length - 1;
    if (last >= 0 && stride[last] === xs[d]! * len) {
      size[last] = size[last]! * len;
      stride[last] = xs[d]!;
    } else {
      size.push(len);
      stride.push(xs[d]!);
    }
  }
  if (size.length === 0) return { dims: [1], strides: [[0]] };
  return { dims: size, strides: [stride] };
}

/** Levels a kernel call takes; deeper plans loop over their outer levels in TypeScript. */
export const LEVELS = 4;

/**
 * Calls `run(offsets, dims4, strides4)` once per block of the innermost four levels of `layout`:
 * `offsets[k]` is operand k's element offset for the block, `dims4` the four inner sizes (padded
 * with 1 on the outside) and `strides4[k]` operand k's four inner strides. `contiguous` is the
 * number of elements one block of a contiguous (unlisted) operand spans, passed as `base`.
 */
export function forEachBlock(
  layout: Layout,
  run: (
    offsets: readonly number[],
    base: number,
    dims4: readonly number[],
    strides4: readonly (readonly number[])[],
  ) => void,
): void {
  const { dims, strides } = layout;
  const rank = dims.length;
  const pad = Math.max(0, LEVELS - rank);
  const inner = Math.max(0, rank - LEVELS);
  const dims4 = [...new Array<number>(pad).fill(1), ...dims.slice(inner)];
  const strides4 = strides.map((s) => [...new Array<number>(pad).fill(0), ...s.slice(inner)]);
  let block = 1;
  for (const d of dims4) block *= d;
  if (inner === 0) {
    run(
      strides.map(() => 0),
      0,
      dims4,
      strides4,
    );
    return;
  }
  const outer = dims.slice(0, inner);
  const index = new Array<number>(inner).fill(0);
  const offsets = strides.map(() => 0);
  let total = 1;
  for (const d of outer) total *= d;
  for (let b = 0; b < total; b++) {
    run(offsets, b * block, dims4, strides4);
    for (let d = inner - 1; d >= 0; d--) {
      index[d]!++;
      for (let k = 0; k < offsets.length; k++) offsets[k]! += strides[k]![d]!;
      if (index[d]! < outer[d]!) break;
      for (let k = 0; k < offsets.length; k++) offsets[k]! -= strides[k]![d]! * outer[d]!;
      index[d] = 0;
    }
  }
}
