// Vectorised elementary functions on f32x4: exp after Cephes expf, tanh after Cephes tanhf, erf after Abramowitz & Stegun 7.1.26.

/**
 * The constants of the vector functions, one float each, read with `kv(i)` as a 4-lane splat.
 * V8 rematerialises every v128.const inside a loop (three instructions each); a broadcast load
 * from a fixed address is one, so the constants live in memory: a data segment at --memoryBase,
 * inside the 64 KiB the allocator never hands out.
 */
const K = memory.data<f32>([
  89.0, -104.0, 12582912.0, 1.44269504088896341, 0.693359375, -2.12194440e-4,
  1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1,
  1.0, 2.0, 0.5,
  -5.70498872745e-3, 2.06390887954e-2, -5.37397155531e-2, 1.33314422036e-1, -3.33332819422e-1, 0.625,
  0.3275911, 1.061405429, -1.453152027, 1.421413741, -0.284496736, 0.254829592,
  0.7071067811865476, 0.3989422804014327, 0.7978845608028654, 0.044715, 0.134145, -0.0,
]);
/** Beyond these, eˣ is 0 or +∞ in float32 (with denormals in between). */
export const EXP_HI = 0;
export const EXP_LO = 1;
/** 1.5·2²³: adding it rounds a float of magnitude below 2²² to an integer, held in the low mantissa bits. */
export const ROUND_MAGIC = 2;
export const LOG2E = 3;
/** ln 2 split in two so x − n·ln2 stays exact for |n| ≤ 150 (Cody & Waite). */
export const LN2_HI = 4;
export const LN2_LO = 5;
/** The Cephes expf polynomial, highest degree first (6 terms). */
export const EXP_P = 6;
export const ONE = 12;
export const TWO = 13;
export const HALF = 14;
/** The Cephes tanhf polynomial, highest degree first (5 terms), used below |x| = 0.625. */
export const TANH_P = 15;
export const TANH_SMALL = 20;
/** Abramowitz & Stegun 7.1.26: p, then a₅ … a₁. */
export const ERF_P = 21;
export const ERF_A = 22;
export const SQRT1_2 = 27;
export const INV_SQRT_2PI = 28;
/** √(2/π), 0.044715 and 3·0.044715 of GELU's tanh approximation. */
export const GELU_C = 29;
export const GELU_K = 30;
export const GELU_3K = 31;
/** −0.0: the sign bit alone. */
export const SIGN = 32;

/** Constant `i` of the table in all four lanes. */
@inline export function kv(i: i32): v128 {
  return v128.load32_splat(K + (<usize>i << 2));
}

/** a·b + c, in two roundings (no fused multiply-add in baseline WebAssembly SIMD). */
@inline export function vmadd(a: v128, b: v128, c: v128): v128 {
  return f32x4.add(f32x4.mul(a, b), c);
}

/**
 * eˣ per lane, relative error about 2 ulp: x = n·ln2 + r with |r| ≤ ln2/2, eʳ by a degree-6
 * polynomial, 2ⁿ applied in two halves so that results down to the smallest denormal and up to
 * the largest float come out right. NaN stays NaN, −∞ gives 0, +∞ gives +∞.
 *
 * Only operations that map to single x86 instructions: pmin/pmax instead of the NaN-propagating
 * min/max (whose exact semantics cost V8 a sequence of instructions), and n = round(x·log₂e)
 * by the add-a-magic-number trick instead of nearest + trunc_sat.
 */
@inline export function vexp(x: v128): v128 {
  // pmin(x, hi) = hi < x ? hi : x and pmax(x, lo) = x < lo ? lo : x both return a NaN x unchanged.
  x = f32x4.pmax(f32x4.pmin(x, kv(EXP_HI)), kv(EXP_LO));
  const magic = kv(ROUND_MAGIC);
  const t = vmadd(x, kv(LOG2E), magic);
  const fx = f32x4.sub(t, magic);
  let r = f32x4.sub(x, f32x4.mul(fx, kv(LN2_HI)));
  r = f32x4.sub(r, f32x4.mul(fx, kv(LN2_LO)));
  // The polynomial by Estrin's scheme: three independent pairs, then two levels, instead of a
  // six-deep Horner chain — the latency, not the arithmetic, bounds a loop of exponentials.
  const r2 = f32x4.mul(r, r);
  const a = vmadd(kv(EXP_P), r, kv(EXP_P + 1));
  const b = vmadd(kv(EXP_P + 2), r, kv(EXP_P + 3));
  const c = vmadd(kv(EXP_P + 4), r, kv(EXP_P + 5));
  let p = vmadd(a, f32x4.mul(r2, r2), vmadd(b, r2, c));
  const one = kv(ONE);
  p = f32x4.add(vmadd(p, r2, r), one);
  // n = round(x·log₂e) as an integer: the low mantissa bits of t.
  const n = i32x4.sub(t, magic);
  const n1 = i32x4.shr_s(n, 1);
  const n2 = i32x4.sub(n, n1);
  // 2^k as float bits is (k + 127) << 23 = (k << 23) + bits(1.0).
  const s1 = i32x4.add(i32x4.shl(n1, 23), one);
  const s2 = i32x4.add(i32x4.shl(n2, 23), one);
  return f32x4.mul(f32x4.mul(p, s1), s2);
}

/** tanh per lane: an odd polynomial below |x| = 0.625, 1 − 2/(e^{2|x|} + 1) above, sign restored. */
@inline export function vtanh(x: v128): v128 {
  const ax = f32x4.abs(x);
  const z = f32x4.mul(x, x);
  let p = kv(TANH_P);
  p = vmadd(p, z, kv(TANH_P + 1));
  p = vmadd(p, z, kv(TANH_P + 2));
  p = vmadd(p, z, kv(TANH_P + 3));
  p = vmadd(p, z, kv(TANH_P + 4));
  const small = vmadd(f32x4.mul(p, z), x, x);
  const e = vexp(f32x4.add(ax, ax));
  const one = kv(ONE);
  const big = f32x4.sub(one, f32x4.div(kv(TWO), f32x4.add(e, one)));
  const signed = v128.or(big, v128.and(x, kv(SIGN)));
  return v128.bitselect(small, signed, f32x4.lt(ax, kv(TANH_SMALL)));
}

/** The logistic function 1/(1 + e⁻ˣ) per lane. */
@inline export function vsigmoid(x: v128): v128 {
  const one = kv(ONE);
  return f32x4.div(one, f32x4.add(one, vexp(f32x4.neg(x))));
}

/**
 * erf per lane by Abramowitz & Stegun 7.1.26 (absolute error below 1.5e-7), the CPU backend's
 * formula, given e = e^(−x²): GELU's derivative needs that exponential for φ too, so it computes it once.
 */
@inline export function verfWithExp(x: v128, e: v128): v128 {
  const one = kv(ONE);
  const t = f32x4.div(one, vmadd(f32x4.abs(x), kv(ERF_P), one));
  let p = kv(ERF_A);
  p = vmadd(p, t, kv(ERF_A + 1));
  p = vmadd(p, t, kv(ERF_A + 2));
  p = vmadd(p, t, kv(ERF_A + 3));
  p = vmadd(p, t, kv(ERF_A + 4));
  const y = f32x4.sub(one, f32x4.mul(f32x4.mul(p, t), e));
  return v128.or(y, v128.and(x, kv(SIGN)));
}

/** erf per lane (see verfWithExp). */
@inline export function verf(x: v128): v128 {
  return verfWithExp(x, vexp(f32x4.neg(f32x4.mul(x, x))));
}

/** Sum of the four lanes. */
@inline export function hsum(v: v128): f32 {
  const s = f32x4.add(v, i32x4.shuffle(v, v, 2, 3, 0, 1));
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1);
}

/** Largest of the four lanes, NaN lanes ignored unless all are NaN (pmax keeps its first operand on NaN). */
@inline export function hmax(v: v128): f32 {
  const m = f32x4.pmax(v, i32x4.shuffle(v, v, 2, 3, 0, 1));
  const a = f32x4.extract_lane(m, 0), b = f32x4.extract_lane(m, 1);
  return a < b ? b : a;
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
