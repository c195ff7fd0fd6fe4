// Reductions and data movement in f32x4: sums to a broadcast shape, broadcasts, permutes, axis copies, the embedding gradient.

/** Σ of n contiguous floats, in float64 (the CPU backend sums in JavaScript numbers too). */
@inline function rowSum64(x: usize, n: i32): f64 {
  let s0 = f64x2.splat(0), s1 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    s0 = f64x2.add(s0, f64x2.promote_low_f32x4(v));
    s1 = f64x2.add(s1, f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)));
  }
  const s = f64x2.add(s0, s1);
  let total = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  for (; i < n; i++) total += <f64>load<f32>(x + (<usize>i << 2));
  return total;
}

/** y[i] += x[i] for n floats. */
@inline function addRow(x: usize, y: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    v128.store(y + at, f32x4.add(v128.load(y + at), v128.load(x + at)));
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    store<f32>(y + at, load<f32>(y + at) + load<f32>(x + at));
  }
}

/**
 * out += x summed over the 4-level nest (d0, d1, d2, d3) that walks x contiguously; out advances
 * by its strides (0 along summed axes). A row summed to one value is summed in float64.
 */
export function sumTo(
  x: usize, out: usize,
  d0: i32, d1: i32, d2: i32, d3: i32,
  so0: i32, so1: i32, so2: i32, so3: i32,
): void {
  for (let i0 = 0; i0 < d0; i0++) {
    for (let i1 = 0; i1 < d1; i1++) {
      let po = out + (<usize>(i0 * so0 + i1 * so1) << 2);
      for (let i2 = 0; i2 < d2; i2++) {
        if (so3 == 0) {
          store<f32>(po, <f32>(<f64>load<f32>(po) + rowSum64(x, d3)));
        } else if (so3 == 1) {
          addRow(x, po, d3);
        } else {
          for (let i = 0; i < d3; i++) {
            const at = po + (<usize>(i * so3) << 2);
            store<f32>(at, load<f32>(at) + load<f32>(x + (<usize>i << 2)));
          }
        }
        x += <usize>d3 << 2;
        po += <usize>so2 << 2;
      }
    }
  }
}

/** out (+)= x over a 4-level nest in which out is contiguous and x advances by its strides (0 where repeated). */
export function broadcastTo(
  x: usize, out: usize, acc: bool,
  d0: i32, d1: i32, d2: i32, d3: i32,
  sx0: i32, sx1: i32, sx2: i32, sx3: i32,
): void {
  for (let i0 = 0; i0 < d0; i0++) {
    for (let i1 = 0; i1 < d1; i1++) {
      let px = x + (<usize>(i0 * sx0 + i1 * sx1) << 2);
      for (let i2 = 0; i2 < d2; i2++) {
        let i = 0;
        if (sx3 == 0) {
          const v = load<f32>(px);
          const vv = f32x4.splat(v);
          for (; i + 4 <= d3; i += 4) {
            const at = out + (<usize>i << 2);
            v128.store(at, acc ? f32x4.add(v128.load(at), vv) : vv);
          }
          for (; i < d3; i++) {
            const at = out + (<usize>i << 2);
            store<f32>(at, acc ? load<f32>(at) + v : v);
          }
        } else if (sx3 == 1) {
          if (acc) addRow(px, out, d3);
          else memory.copy(out, px, <usize>d3 << 2);
        } else {
          for (; i < d3; i++) {
            const at = out + (<usize>i << 2);
            const v = load<f32>(px + (<usize>(i * sx3) << 2));
            store<f32>(at, acc ? load<f32>(at) + v : v);
          }
        }
        out += <usize>d3 << 2;
        px += <usize>sx2 << 2;
      }
    }
  }
}

/** Edge of the square tiles a strided (transposing) permute copies, so reads and writes both stay in cache. */
const TILE = 16;

/**
 * out (+)= x read with strides over a 4-level nest, out contiguous: the permute kernel. Rows that
 * are contiguous in x are copied (or added) whole; otherwise the last two levels go tile by tile.
 */
export function permute(
  x: usize, out: usize, acc: bool,
  d0: i32, d1: i32, d2: i32, d3: i32,
  sx0: i32, sx1: i32, sx2: i32, sx3: i32,
): void {
  for (let i0 = 0; i0 < d0; i0++) {
    for (let i1 = 0; i1 < d1; i1++) {
      const px = x + (<usize>(i0 * sx0 + i1 * sx1) << 2);
      const po = out + (<usize>((i0 * d1 + i1) * d2 * d3) << 2);
      if (sx3 == 1) {
        for (let i2 = 0; i2 < d2; i2++) {
          const src = px + (<usize>(i2 * sx2) << 2);
          const dst = po + (<usize>(i2 * d3) << 2);
          if (acc) addRow(src, dst, d3);
          else memory.copy(dst, src, <usize>d3 << 2);
        }
        continue;
      }
      for (let r0 = 0; r0 < d2; r0 += TILE) {
        const r1 = min(d2, r0 + TILE);
        for (let c0 = 0; c0 < d3; c0 += TILE) {
          const c1 = min(d3, c0 + TILE);
          for (let r = r0; r < r1; r++) {
            const src = px + (<usize>(r * sx2) << 2);
            const dst = po + (<usize>(r * d3) << 2);
            for (let c = c0; c < c1; c++) {
              const at = dst + (<usize>c << 2);
              const v = load<f32>(src + (<usize>(c * sx3) << 2));
              store<f32>(at, acc ? load<f32>(at) + v : v);
            }
          }
        }
      }
    }
  }
}

/**
 * Viewing src as (outer, srcAxis, inner) and dst as (outer, dstAxis, inner):
 * dst[o, dstStart + i, :] (+)= src[o, srcStart + i, :] for i < len.
 */
export function copyAxis(
  src: usize, srcAxis: i32, srcStart: i32, dst: usize, dstAxis: i32, dstStart: i32,
  outer: i32, len: i32, inner: i32, acc: bool,
): void {
  const block = len * inner;
  for (let o = 0; o < outer; o++) {
    const s = src + (<usize>((o * srcAxis + srcStart) * inner) << 2);
    const d = dst + (<usize>((o * dstAxis + dstStart) * inner) << 2);
    if (acc) addRow(s, d, block);
    else memory.copy(d, s, <usize>block << 2);
  }
}

/**
 * dx row ids[r] += dy row r for r < n, rows of `rowSize` floats (an embedding table's gradient): rows
 * that share an id are added in the order of r. `ids` holds n int32 row indices, each below dx's rows.
 */
export function indexSelectBackward(dy: usize, rowSize: i32, ids: usize, n: i32, dx: usize): void {
  const row = <usize>rowSize << 2;
  for (let r = 0; r < n; r++) {
    const id = load<i32>(ids + (<usize>r << 2));
    addRow(dy + <usize>r * row, dx + <usize>id * row, rowSize);
  }
}
