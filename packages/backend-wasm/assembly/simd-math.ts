// Vectorised elementary functions on f32x4: exp after Cephes expf, tanh after Cephes tanhf, erf after Abramowitz & Stegun 7.1.26.

const LOG2E: f32 = 1.44269504088896341;
/** ln 2 split in two so x − n·ln2 stays exact for |n| ≤ 150 (Cody & Waite). */
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
/** Beyond these, exp is 0 or +∞ in float32 (with denormals in between). */
const EXP_LO: f32 = -104.0;
const EXP_HI: f32 = 89.0;

@inline export function vabs(x: v128): v128 {
  return f32x4.abs(x);
}

/** a·b + c, in two roundings (no fused multiply-add in baseline WebAssembly SIMD). */
@inline export function vmadd(a: v128, b: v128, c: v128): v128 {
  return f32x4.add(f32x4.mul(a, b), c);
}

/**
 * eˣ per lane, relative error about 2 ulp: x = n·ln2 + r with |r| ≤ ln2/2, eʳ by a degree-6
 * polynomial, 2ⁿ applied in two halves so that results down to the smallest denormal and up to
 * the largest float come out right. NaN stays NaN, −∞ gives 0, +∞ gives +∞.
 */
@inline export function vexp(x: v128): v128 {
  // f32x4.min/max propagate NaN, so a NaN input reaches the polynomial and comes out NaN.
  x = f32x4.max(f32x4.min(x, f32x4.splat(EXP_HI)), f32x4.splat(EXP_LO));
  const fx = f32x4.nearest(f32x4.mul(x, f32x4.splat(LOG2E)));
  let r = f32x4.sub(x, f32x4.mul(fx, f32x4.splat(LN2_HI)));
  r = f32x4.sub(r, f32x4.mul(fx, f32x4.splat(LN2_LO)));
  let p = f32x4.splat(1.9875691500e-4);
  p = vmadd(p, r, f32x4.splat(1.3981999507e-3));
  p = vmadd(p, r, f32x4.splat(8.3334519073e-3));
  p = vmadd(p, r, f32x4.splat(4.1665795894e-2));
  p = vmadd(p, r, f32x4.splat(1.6666665459e-1));
  p = vmadd(p, r, f32x4.splat(5.0000001201e-1));
  p = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), f32x4.splat(1));
  const n = i32x4.trunc_sat_f32x4_s(fx);
  const n1 = i32x4.shr_s(n, 1);
  const n2 = i32x4.sub(n, n1);
  const bias = i32x4.splat(127);
  const s1 = i32x4.shl(i32x4.add(n1, bias), 23);
  const s2 = i32x4.shl(i32x4.add(n2, bias), 23);
  return f32x4.mul(f32x4.mul(p, s1), s2);
}

/** tanh per lane: an odd polynomial below |x| = 0.625, 1 − 2/(e^{2|x|} + 1) above, sign restored. */
@inline export function vtanh(x: v128): v128 {
  const ax = f32x4.abs(x);
  const z = f32x4.mul(x, x);
  let p = f32x4.splat(-5.70498872745e-3);
  p = vmadd(p, z, f32x4.splat(2.06390887954e-2));
  p = vmadd(p, z, f32x4.splat(-5.37397155531e-2));
  p = vmadd(p, z, f32x4.splat(1.33314422036e-1));
  p = vmadd(p, z, f32x4.splat(-3.33332819422e-1));
  const small = vmadd(f32x4.mul(p, z), x, x);
  const e = vexp(f32x4.add(ax, ax));
  const big = f32x4.sub(f32x4.splat(1), f32x4.div(f32x4.splat(2), f32x4.add(e, f32x4.splat(1))));
  const signed = v128.or(big, v128.and(x, i32x4.splat(0x80000000)));
  return v128.bitselect(small, signed, f32x4.lt(ax, f32x4.splat(0.625)));
}

/** The logistic function 1/(1 + e⁻ˣ) per lane. */
@inline export function vsigmoid(x: v128): v128 {
  return f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), vexp(f32x4.neg(x))));
}

/** erf per lane by Abramowitz & Stegun 7.1.26 (absolute error below 1.5e-7), the CPU backend's formula. */
@inline export function verf(x: v128): v128 {
  const ax = f32x4.abs(x);
  const t = f32x4.div(f32x4.splat(1), vmadd(ax, f32x4.splat(0.3275911), f32x4.splat(1)));
  let p = f32x4.splat(1.061405429);
  p = vmadd(p, t, f32x4.splat(-1.453152027));
  p = vmadd(p, t, f32x4.splat(1.421413741));
  p = vmadd(p, t, f32x4.splat(-0.284496736));
  p = vmadd(p, t, f32x4.splat(0.254829592));
  p = f32x4.mul(p, t);
  const y = f32x4.sub(f32x4.splat(1), f32x4.mul(p, vexp(f32x4.neg(f32x4.mul(ax, ax)))));
  return v128.or(y, v128.and(x, i32x4.splat(0x80000000)));
}

/** Sum of the four lanes. */
@inline export function hsum(v: v128): f32 {
  const s = f32x4.add(v, i32x4.shuffle(v, v, 2, 3, 0, 1));
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1);
}

/** Largest of the four lanes (NaN if any lane is NaN). */
@inline export function hmax(v: v128): f32 {
  const m = f32x4.max(v, i32x4.shuffle(v, v, 2, 3, 0, 1));
  return max<f32>(f32x4.extract_lane(m, 0), f32x4.extract_lane(m, 1));
}

/** The t < 4 floats at p in the low lanes of a vector whose other lanes are `fill`. */
@inline export function loadTail(p: usize, t: i32, fill: f32): v128 {
  let v = f32x4.splat(fill);
  v = f32x4.replace_lane(v, 0, load<f32>(p));
  if (t > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
  if (t > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
  return v;
}

/** Stores the low t < 4 lanes of v at p. */
@inline export function storeTail(p: usize, t: i32, v: v128): void {
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (t > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (t > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}
