// Broadcast binary ops (add, sub, mul, div) and where, over loop nests of up to four levels with per-operand strides.

// Op codes numbered once, in scripts/op-codes.mjs (src/generated/op-codes.ts is the TypeScript side).
import { ADD, DIV, MUL, SUB } from './generated/op-codes';


@inline function binV(op: i32, a: v128, b: v128): v128 {
  if (op == ADD) return f32x4.add(a, b);
  if (op == SUB) return f32x4.sub(a, b);
  if (op == MUL) return f32x4.mul(a, b);
  return f32x4.div(a, b);
}

@inline function binS(op: i32, a: f32, b: f32): f32 {
  if (op == ADD) return a + b;
  if (op == SUB) return a - b;
  if (op == MUL) return a * b;
  return a / b;
}

/**
 * One row: out[i] (+)= a[i·sa] ∘ b[i·sb] for i < n, with sa, sb ∈ {0, 1} taking vector paths
 * (a stride of 0 repeats one value) and any other strides a scalar loop.
 */
@inline function binRow(op: i32, acc: bool, a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void {
  let i = 0;
  if (sa == 1 && sb == 1) {
    for (; i + 4 <= n; i += 4) {
      const at = <usize>i << 2;
      let r = binV(op, v128.load(a + at), v128.load(b + at));
      if (acc) r = f32x4.add(v128.load(out + at), r);
      v128.store(out + at, r);
    }
  } else if (sa == 1 && sb == 0) {
    const bv = v128.load32_splat(b);
    for (; i + 4 <= n; i += 4) {
      const at = <usize>i << 2;
      let r = binV(op, v128.load(a + at), bv);
      if (acc) r = f32x4.add(v128.load(out + at), r);
      v128.store(out + at, r);
    }
  } else if (sa == 0 && sb == 1) {
    const av = v128.load32_splat(a);
    for (; i + 4 <= n; i += 4) {
      const at = <usize>i << 2;
      let r = binV(op, av, v128.load(b + at));
      if (acc) r = f32x4.add(v128.load(out + at), r);
      v128.store(out + at, r);
    }
  }
  for (; i < n; i++) {
    const r = binS(op, load<f32>(a + (<usize>(i * sa) << 2)), load<f32>(b + (<usize>(i * sb) << 2)));
    const at = out + (<usize>i << 2);
    store<f32>(at, acc ? load<f32>(at) + r : r);
  }
}

@inline function binLoop(
  op: i32, acc: bool, a: usize, b: usize, out: usize,
  d0: i32, d1: i32, d2: i32, d3: i32,
  sa0: i32, sa1: i32, sa2: i32, sa3: i32, sb0: i32, sb1: i32, sb2: i32, sb3: i32,
): void {
  for (let i0 = 0; i0 < d0; i0++) {
    for (let i1 = 0; i1 < d1; i1++) {
      let pa = a + (<usize>(i0 * sa0 + i1 * sa1) << 2);
      let pb = b + (<usize>(i0 * sb0 + i1 * sb1) << 2);
      for (let i2 = 0; i2 < d2; i2++) {
        binRow(op, acc, pa, sa3, pb, sb3, out, d3);
        out += <usize>d3 << 2;
        pa += <usize>sa2 << 2;
        pb += <usize>sb2 << 2;
      }
    }
  }
}

/**
 * out (+)= a ∘ b over a 4-level loop nest (d0, d1, d2, d3), innermost last: out is contiguous,
 * and a and b advance by their own strides (in floats, 0 where broadcast) at each level.
 */
export function binary(
  op: i32, acc: bool, a: usize, b: usize, out: usize,
  d0: i32, d1: i32, d2: i32, d3: i32,
  sa0: i32, sa1: i32, sa2: i32, sa3: i32, sb0: i32, sb1: i32, sb2: i32, sb3: i32,
): void {
  if (acc) {
    switch (op) {
      case ADD: binLoop(ADD, true, a, b, out, d0, d1, d2, d3, sa0, sa1, sa2, sa3, sb0, sb1, sb2, sb3); break;
      case SUB: binLoop(SUB, true, a, b, out, d0, d1, d2, d3, sa0, sa1, sa2, sa3, sb0, sb1, sb2, sb3); break;
      case MUL: binLoop(MUL, true, a, b, out, d0, d1, d2, d3, sa0, sa1, sa2, sa3, sb0, sb1, sb2, sb3); break;
      default: binLoop(DIV, true, a, b, out, d0, d1, d2, d3, sa0, sa1, sa2, sa3, sb0, sb1, sb2, sb3);
    }
  } else {
    switch (op) {
      case ADD: binLoop(ADD, false, a, b, out, d0, d1, d2, d3, sa0, sa1, sa2, sa3, sb0, sb1, sb2, sb3); break;
      case SUB: binLoop(SUB, false, a, b, out, d0, d1, d2, d3, sa0, sa1, sa2, sa3, sb0, sb1, sb2, sb3); break;
      case MUL: binLoop(MUL, false, a, b, out, d0, d1, d2, d3, sa0, sa1, sa2, sa3, sb0, sb1, sb2, sb3); break;
      default: binLoop(DIV, false, a, b, out, d0, d1, d2, d3, sa0, sa1, sa2, sa3, sb0, sb1, sb2, sb3);
    }
  }
}

/** out = cond ≠ 0 ? a : b over the same 4-level nest as `binary`, each operand with its strides. */
export function where(
  cond: usize, a: usize, b: usize, out: usize,
  d0: i32, d1: i32, d2: i32, d3: i32,
  sc0: i32, sc1: i32, sc2: i32, sc3: i32,
  sa0: i32, sa1: i32, sa2: i32, sa3: i32,
  sb0: i32, sb1: i32, sb2: i32, sb3: i32,
): void {
  for (let i0 = 0; i0 < d0; i0++) {
    for (let i1 = 0; i1 < d1; i1++) {
      let pc = cond + (<usize>(i0 * sc0 + i1 * sc1) << 2);
      let pa = a + (<usize>(i0 * sa0 + i1 * sa1) << 2);
      let pb = b + (<usize>(i0 * sb0 + i1 * sb1) << 2);
      for (let i2 = 0; i2 < d2; i2++) {
        let i = 0;
        if ((sc3 | 1) == 1 && (sa3 | 1) == 1 && (sb3 | 1) == 1) {
          // Every stride is 0 or 1: a stride-0 operand is a splat, loaded once per row.
          const cs = v128.load32_splat(pc), as = v128.load32_splat(pa), bs = v128.load32_splat(pb);
          for (; i + 4 <= d3; i += 4) {
            const at = <usize>i << 2;
            const c = sc3 ? v128.load(pc + at) : cs;
            const av = sa3 ? v128.load(pa + at) : as;
            const bv = sb3 ? v128.load(pb + at) : bs;
            v128.store(out + at, v128.bitselect(bv, av, f32x4.eq(c, f32x4.splat(0))));
          }
        }
        for (; i < d3; i++) {
          const c = load<f32>(pc + (<usize>(i * sc3) << 2));
          const v = c != 0 ? load<f32>(pa + (<usize>(i * sa3) << 2)) : load<f32>(pb + (<usize>(i * sb3) << 2));
          store<f32>(out + (<usize>i << 2), v);
        }
        out += <usize>d3 << 2;
        pc += <usize>sc2 << 2;
        pa += <usize>sa2 << 2;
        pb += <usize>sb2 << 2;
      }
    }
  }
}
