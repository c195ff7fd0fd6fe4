// Cuts autograd's strided loop plans (broadcastLayout, permuteLayout: one implementation for every backend) into
// calls of at most four levels.

import type { Layout } from '@tinygpt/autograd';

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
  const inner = Math.max(0, rank - LEVELS);
  const levels = rank - inner;
  // The innermost `levels` sizes and strides, padded on the outside with size 1 and stride 0.
  const dims4 = [1, 1, 1, 1];
  for (let l = 1; l <= levels; l++) dims4[LEVELS - l] = dims[rank - l]!;
  const strides4 = strides.map((s) => {
    const s4 = [0, 0, 0, 0];
    for (let l = 1; l <= levels; l++) s4[LEVELS - l] = s[rank - l]!;
    return s4;
  });
  const block = dims4[0]! * dims4[1]! * dims4[2]! * dims4[3]!;
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
