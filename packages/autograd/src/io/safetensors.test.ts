import { describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors, findNonFinite, SafetensorsError } from './safetensors.js';

/** Builds a file by hand from a header object and raw data bytes, as another writer would. */
function fileOf(header: unknown, data: Uint8Array, headerLength?: number): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength ?? json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const f32 = (...v: number[]) => new Uint8Array(new Float32Array(v).buffer);

describe('safetensors', () => {
  it('round-trips tensors and metadata bit for bit, in order', () => {
    const a = new Float32Array([1.5, -0, NaN, Infinity, 3.4028234663852886e38, 1e-45]);
    const b = new Float32Array([0.1, 0.2, 0.3]);
    const bytes = encodeSafetensors(
      { 'x.weight': { shape: [2, 3], data: a }, 'x.bias': { shape: [3], data: b } },
      { iter: '7' },
    );
    const { tensors, metadata } = decodeSafetensors(bytes);
    expect(Object.keys(tensors)).toEqual(['x.weight', 'x.bias']);
    expect(tensors['x.weight']!.shape).toEqual([2, 3]);
    expect(new Uint32Array(tensors['x.weight']!.data.buffer)).toEqual(new Uint32Array(a.buffer));
    expect(Array.from(tensors['x.bias']!.data)).toEqual(Array.from(b));
    expect(metadata).toEqual({ iter: '7' });
  });

  it('writes the layout of the format: u64 LE header length, 8-byte aligned JSON, raw LE float32', () => {
    const bytes = encodeSafetensors({ w: { shape: [1], data: new Float32Array([1]) } });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    expect(header).toEqual({ w: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } });
    expect(Array.from(bytes.subarray(8 + n))).toEqual([0, 0, 0x80, 0x3f]);
  });

  it('reads a file written by another writer, and a scalar and an empty tensor', () => {
    const header = {
      s: { dtype: 'F32', shape: [], data_offsets: [0, 4] },
      e: { dtype: 'F32', shape: [0, 3], data_offsets: [4, 4] },
    };
    const { tensors } = decodeSafetensors(fileOf(header, f32(2.5)));
    expect(Array.from(tensors.s!.data)).toEqual([2.5]);
    expect(tensors.e!.data.length).toBe(0);
  });

  it('converts F16, BF16 and F64 to float32', () => {
    const half = new Uint8Array(new Uint16Array([0x3c00, 0xc000, 0x3555]).buffer); // 1, -2, ~0.333
    const bf = new Uint8Array(new Uint16Array([0x3f80, 0x4049]).buffer); // 1, ~3.14
    const dbl = new Uint8Array(new Float64Array([0.5]).buffer);
    const data = new Uint8Array([...half, ...bf, ...dbl]);
    const header = {
      h: { dtype: 'F16', shape: [3], data_offsets: [0, 6] },
      b: { dtype: 'BF16', shape: [2], data_offsets: [6, 10] },
      d: { dtype: 'F64', shape: [1], data_offsets: [10, 18] },
    };
    const { tensors } = decodeSafetensors(fileOf(header, data));
    expect(Array.from(tensors.h!.data)).toEqual([1, -2, Math.fround(0.333251953125)]);
    expect(Array.from(tensors.b!.data)).toEqual([1, 3.140625]);
    expect(Array.from(tensors.d!.data)).toEqual([0.5]);
  });

  const bad: [string, () => Uint8Array, RegExp][] = [
    ['a file shorter than the length prefix', () => new Uint8Array(5), /too short/],
    [
      'a truncated file',
      () => encodeSafetensors({ w: { shape: [4], data: new Float32Array(4) } }).subarray(0, 30),
      /truncated/,
    ],
    ['a header length past the end', () => fileOf({}, new Uint8Array(0), 4096), /past the end/],
    [
      'a header that is not JSON',
      () => {
        const f = fileOf({}, new Uint8Array(0));
        f[8] = 0x7b;
        f[9] = 0x7b;
        return f;
      },
      /not valid JSON/,
    ],
    [
      'an unsupported dtype',
      () => fileOf({ w: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8)),
      /dtype I64/,
    ],
    [
      'offsets that disagree with the shape',
      () => fileOf({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(12)),
      /needs 12 bytes/,
    ],
    [
      'offsets past the data',
      () => fileOf({ w: { dtype: 'F32', shape: [3], data_offsets: [4, 16] } }, new Uint8Array(12)),
      /ends at byte 16/,
    ],
    [
      'a negative dimension',
      () => fileOf({ w: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, new Uint8Array(4)),
      /invalid shape/,
    ],
    [
      'overlapping tensors',
      () =>
        fileOf(
          {
            a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
            b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] },
          },
          new Uint8Array(12),
        ),
      /overlap/,
    ],
  ];
  for (const [what, make, message] of bad) {
    it(`refuses ${what} with a clear error`, () => {
      expect(() => decodeSafetensors(make())).toThrow(SafetensorsError);
      expect(() => decodeSafetensors(make())).toThrow(message);
    });
  }

  it('refuses to write data that does not match its shape', () => {
    expect(() => encodeSafetensors({ w: { shape: [2, 2], data: new Float32Array(3) } })).toThrow(
      /shape \[2, 2\] but 3 values/,
    );
  });

  it('refuses a tensor named __proto__ (it would set the prototype) and a name listed twice', () => {
    const entry = { dtype: 'F32', shape: [1], data_offsets: [0, 4] };
    const proto = new TextEncoder().encode(`{"__proto__":${JSON.stringify(entry)}}`);
    const file = new Uint8Array(8 + proto.length + 4);
    new DataView(file.buffer).setBigUint64(0, BigInt(proto.length), true);
    file.set(proto, 8);
    expect(() => decodeSafetensors(file)).toThrow("tensor name '__proto__' is not allowed");
    const twice = `{"a":${JSON.stringify(entry)}, "b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]} ,"a" :${JSON.stringify(entry)}}`;
    const bytes = new TextEncoder().encode(twice);
    const dup = new Uint8Array(8 + bytes.length + 8);
    new DataView(dup.buffer).setBigUint64(0, BigInt(bytes.length), true);
    dup.set(bytes, 8);
    expect(() => decodeSafetensors(dup)).toThrow("header lists tensor 'a' twice");
    // Names that merely contain quotes, braces or colons are still fine.
    const odd = fileOf({ 'x"{:}': entry, __metadata__: { k: 'a"b:{' } }, f32(1));
    expect(Object.keys(decodeSafetensors(odd).tensors)).toEqual(['x"{:}']);
  });

  it('findNonFinite names the first NaN or infinity', () => {
    const t = (...v: number[]) => ({ shape: [v.length], data: new Float32Array(v) });
    expect(findNonFinite({ a: t(1, 2), b: t(3, -0) })).toBeUndefined();
    expect(findNonFinite({ a: t(1, 2), b: t(3, NaN, Infinity) })).toEqual({ name: 'b', index: 1, value: NaN });
    expect(findNonFinite({ a: t(-Infinity) })).toEqual({ name: 'a', index: 0, value: -Infinity });
  });
});
