// The machine's SIMD ceiling: independent f32x4 multiplies and adds with nothing else in the loop.

/** a·x + y: fused in the relaxed-SIMD variant (one instruction, two operations), else a multiply and an add. */
@inline function fma(a: v128, x: v128, y: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, x, y);
  return f32x4.add(f32x4.mul(a, x), y);
}

/**
 * Runs `n` iterations of twelve independent chains acc = acc·x + y on f32x4 lanes (96 floating-point
 * operations per iteration): enough chains to hide the multiply and add latencies, few enough
 * registers that nothing spills. `x` and `y` arrive at run time so nothing can be folded.
 */
export function peakMulAdd(n: i32, x: f32, y: f32): f32 {
  const xv = f32x4.splat(x), yv = f32x4.splat(y);
  let a0 = f32x4.splat(0), a1 = f32x4.splat(1), a2 = f32x4.splat(2), a3 = f32x4.splat(3);
  let a4 = f32x4.splat(4), a5 = f32x4.splat(5), a6 = f32x4.splat(6), a7 = f32x4.splat(7);
  let a8 = f32x4.splat(8), a9 = f32x4.splat(9), a10 = f32x4.splat(10), a11 = f32x4.splat(11);
  for (let i = 0; i < n; i++) {
    a0 = fma(a0, xv, yv);
    a1 = fma(a1, xv, yv);
    a2 = fma(a2, xv, yv);
    a3 = fma(a3, xv, yv);
    a4 = fma(a4, xv, yv);
    a5 = fma(a5, xv, yv);
    a6 = fma(a6, xv, yv);
    a7 = fma(a7, xv, yv);
    a8 = fma(a8, xv, yv);
    a9 = fma(a9, xv, yv);
    a10 = fma(a10, xv, yv);
    a11 = fma(a11, xv, yv);
  }
  const s0 = f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7)));
  const s = f32x4.add(s0, f32x4.add(f32x4.add(a8, a9), f32x4.add(a10, a11)));
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
}
