// Shared fixtures of the nanoGPT interop tests: a tiny trained run and its export, and editors that damage a copy.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { noGrad } from '@tinygpt/autograd';
import { decodeSafetensors, encodeSafetensors } from '@tinygpt/autograd/safetensors';
import type { NamedTensor } from '../src/checkpoint/checkpoint-files.js';
import { exportNanoGpt } from '../src/interop/export-nanogpt.js';
import type { Gpt } from '../src/model/gpt.js';
import { train } from '../src/train.js';
import { scratchDir, tinyRun } from './helpers.js';

/**
 * Trains a tiny char-gpt checkpoint with bias=True (so attn.c_attn.bias exists beside the mask buffers' names) and
 * exports it; returns both directories.
 */
export async function trainAndExport(): Promise<{ checkpoint: string; exchange: string }> {
  const config = tinyRun({ maxIters: 3, evalInterval: 3, bias: true, sampleChars: 0 });
  await train(config);
  const exchange = join(scratchDir(), 'exchange');
  await exportNanoGpt(config.outDir, exchange);
  return { checkpoint: config.outDir, exchange };
}

/** A copy of the exchange directory `exchange` to damage. */
export function copyExchange(exchange: string): string {
  const dir = join(scratchDir(), 'exchange');
  cpSync(exchange, dir, { recursive: true });
  return dir;
}

/** Rewrites model.safetensors of `dir` through `edit` on its tensors. */
export function editTensors(
  dir: string,
  edit: (tensors: Record<string, NamedTensor>) => Record<string, NamedTensor>,
): void {
  const path = join(dir, 'model.safetensors');
  writeFileSync(path, encodeSafetensors(edit(decodeSafetensors(new Uint8Array(readFileSync(path))).tensors)));
}

/** Rewrites the JSON header of model.safetensors of `dir`, keeping its data section. */
export function editHeader(
  dir: string,
  edit: (header: Record<string, { dtype: string; shape: number[]; data_offsets: number[] }>) => void,
): void {
  const path = join(dir, 'model.safetensors');
  const bytes = new Uint8Array(readFileSync(path));
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Parameters<typeof edit>[0];
  edit(header);
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + bytes.length - 8 - n);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(bytes.subarray(8 + n), 8 + json.length);
  writeFileSync(path, out);
}

/** Rewrites config.json of `dir` through `edit`. */
export function editConfig(dir: string, edit: (config: Record<string, unknown>) => void): void {
  const path = join(dir, 'config.json');
  const config = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  edit(config);
  writeFileSync(path, JSON.stringify(config));
}

/** A copy of `tensors` with each name passed through `rename`. */
export function renamed(
  tensors: Record<string, NamedTensor>,
  rename: (name: string) => string,
): Record<string, NamedTensor> {
  return Object.fromEntries(Object.entries(tensors).map(([name, t]) => [rename(name), t]));
}

/** The raw bytes of `t`'s data. */
export function bytesOf(t: NamedTensor): Uint8Array {
  return new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}

/** The logits of `model` for a fixed batch of ids below `vocabSize`. */
export function logitsOf(model: Gpt, ids: Int32Array): Float32Array {
  return noGrad(() => model.forward(ids, [1, ids.length]).logits.data);
}
