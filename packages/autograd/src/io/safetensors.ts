// Reads and writes the safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header, raw tensor bytes.

/** A named tensor as stored in a file: row-major float32 data and its shape. */
export interface StoredTensor {
  shape: readonly number[];
  data: Float32Array;
}

/** What `decodeSafetensors` returns: the tensors by name (in file order) and the `__metadata__` strings. */
export interface SafetensorsContents {
  tensors: Record<string, StoredTensor>;
  metadata: Record<string, string>;
}

/** A malformed safetensors file, with a message that says what is wrong. */
export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

const DTYPE_BYTES: Readonly<Record<string, number>> = { F32: 4, F16: 2, BF16: 2, F64: 8 };
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const MAX_HEADER = 100_000_000;

/**
 * Serialises float32 tensors (and optional string metadata) to safetensors bytes. Tensors are
 * laid out in the order given; the header is padded with spaces to a multiple of 8 bytes.
 *
 * @example
 * const bytes = encodeSafetensors({ 'lm_head.weight': { shape: [2, 3], data: new Float32Array(6) } });
 */
export function encodeSafetensors(
  tensors: Record<string, StoredTensor>,
  metadata?: Record<string, string>,
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) {
      throw new SafetensorsError(`tensor '${name}' has shape [${t.shape.join(', ')}] but ${t.data.length} values`);
    }
    header[name] = { dtype: 'F32', shape: [...t.shape], data_offsets: [offset, offset + 4 * count] };
    offset += 4 * count;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const spaced = new Uint8Array(padded).fill(0x20);
    spaced.set(json);
    json = spaced;
  }
  const out = new Uint8Array(8 + json.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const t of Object.values(tensors)) {
    writeF32(out, at, t.data);
    at += 4 * t.data.length;
  }
  return out;
}

/**
 * Parses safetensors bytes into float32 tensors, validating the header: its length, its JSON,
 * each entry's dtype, shape and offsets (inside the file, matching the shape, not overlapping).
 * F16, BF16 and F64 tensors are converted to float32; any other dtype is an error.
 */
export function decodeSafetensors(bytes: Uint8Array): SafetensorsContents {
  if (bytes.length < 8) throw new SafetensorsError(`file is ${bytes.length} bytes, too short for a safetensors header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > MAX_HEADER || 8 + headerLength > bytes.length) {
    throw new SafetensorsError(
      `header length ${headerLength} runs past the end of the ${bytes.length}-byte file (truncated?)`,
    );
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)));
  } catch {
    throw new SafetensorsError('header is not valid JSON');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new SafetensorsError('header is not a JSON object');
  }
  const names = topLevelKeys(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new SafetensorsError(`header lists tensor '${name}' twice`);
    seen.add(name);
  }
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const metadata: Record<string, string> = {};
  const tensors: Record<string, StoredTensor> = {};
  const spans: [number, number, string][] = [];
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      for (const [k, v] of Object.entries((entry ?? {}) as Record<string, unknown>)) {
        if (typeof v !== 'string') throw new SafetensorsError(`metadata '${k}' is not a string`);
        metadata[k] = v;
      }
      continue;
    }
    if (name === '__proto__') throw new SafetensorsError(`tensor name '__proto__' is not allowed`);
    const { dtype, shape, data_offsets: offsets } = (entry ?? {}) as Record<string, unknown>;
    const size = typeof dtype === 'string' ? DTYPE_BYTES[dtype] : undefined;
    if (size === undefined) {
      throw new SafetensorsError(`tensor '${name}' has dtype ${String(dtype)}; only F32, F16, BF16 and F64 are read`);
    }
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new SafetensorsError(`tensor '${name}' has an invalid shape ${JSON.stringify(shape)}`);
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isInteger(o) && o >= 0)) {
      throw new SafetensorsError(`tensor '${name}' has invalid data_offsets ${JSON.stringify(offsets)}`);
    }
    const [begin, end] = offsets as [number, number];
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    if (end < begin || end - begin !== count * size) {
      throw new SafetensorsError(
        `tensor '${name}' of shape [${shape.join(', ')}] ${dtype} needs ${count * size} bytes but its offsets span ${end - begin}`,
      );
    }
    if (end > dataLength) {
      throw new SafetensorsError(
        `tensor '${name}' ends at byte ${end} of a ${dataLength}-byte data section (truncated?)`,
      );
    }
    spans.push([begin, end, name]);
    tensors[name] = { shape: shape as number[], data: readFloats(bytes, dataStart + begin, count, dtype as string) };
  }
  spans.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i]![0] < spans[i - 1]![1]) {
      throw new SafetensorsError(`tensors '${spans[i - 1]![2]}' and '${spans[i]![2]}' overlap`);
    }
  }
  return { tensors, metadata };
}

/**
 * The first value that is NaN or ±Infinity among `tensors`, with its tensor's name and index, or
 * undefined when all are finite: what a loader or a checkpoint writer checks before trusting weights.
 *
 * @example
 * const bad = findNonFinite(decodeSafetensors(bytes).tensors);
 * if (bad) throw new Error(`'${bad.name}'[${bad.index}] is ${bad.value}`);
 */
export function findNonFinite(
  tensors: Record<string, StoredTensor>,
): { name: string; index: number; value: number } | undefined {
  for (const [name, t] of Object.entries(tensors)) {
    const data = t.data;
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (v - v !== 0) return { name, index: i, value: v }; // NaN and ±Infinity only
    }
  }
  return undefined;
}

/** The keys of the top-level object of JSON `text` in order, duplicates included (JSON.parse keeps only the last). */
function topLevelKeys(text: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      let k = j + 1;
      while (k < text.length && /\s/.test(text[k]!)) k++;
      if (depth === 1 && text[k] === ':') keys.push(JSON.parse(text.slice(i, j + 1)) as string);
      i = j;
    } else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
  }
  return keys;
}

function writeF32(out: Uint8Array, at: number, data: Float32Array): void {
  if (LITTLE_ENDIAN) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
    return;
  }
  const view = new DataView(out.buffer, out.byteOffset);
  for (let i = 0; i < data.length; i++) view.setFloat32(at + 4 * i, data[i]!, true);
}

function readFloats(bytes: Uint8Array, at: number, count: number, dtype: string): Float32Array {
  const out = new Float32Array(count);
  if (dtype === 'F32' && LITTLE_ENDIAN) {
    new Uint8Array(out.buffer).set(bytes.subarray(at, at + 4 * count));
    return out;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + at, count * DTYPE_BYTES[dtype]!);
  for (let i = 0; i < count; i++) {
    if (dtype === 'F32') out[i] = view.getFloat32(4 * i, true);
    else if (dtype === 'F64') out[i] = view.getFloat64(8 * i, true);
    else if (dtype === 'BF16') out[i] = bf16ToF32(view.getUint16(2 * i, true));
    else out[i] = f16ToF32(view.getUint16(2 * i, true));
  }
  return out;
}

const scratch = new DataView(new ArrayBuffer(4));
function bf16ToF32(bits: number): number {
  scratch.setUint32(0, bits << 16);
  return scratch.getFloat32(0);
}

function f16ToF32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}
