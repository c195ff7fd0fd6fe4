// Byte counts in the unit a person reads, for messages about memory and file sizes, and the memory a backend can hold.
import { totalmem } from 'node:os';

/** Bytes a WebAssembly (wasm32) memory can address: the wasm backend's ceiling. */
const WASM_MAX_BYTES = 4 * 1024 ** 3;

/**
 * Bytes the backend named `backend` (autograd's `getBackend().name`) can hold: the machine's
 * memory, and for `wasm` at most the 4 GiB a wasm32 memory addresses.
 *
 * @example
 * memoryBudget('wasm'); // 4294967296 on a machine with more memory than that
 */
export function memoryBudget(backend: string): number {
  const machine = totalmem();
  return backend === 'wasm' ? Math.min(machine, WASM_MAX_BYTES) : machine;
}

/**
 * `bytes` in the unit a person reads, in powers of 1024: `512 bytes`, `12.0 MB`, `1.5 GB`; beyond
 * a million of the largest unit, in exponent form (`2.2e+9 EB`).
 *
 * @example
 * formatBytes(3 * 1024 ** 3); // '3.0 GB'
 */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0
    ? `${value} bytes`
    : value >= 1e6
      ? `${value.toExponential(1)} ${units[unit]}`
      : `${value.toFixed(1)} ${units[unit]}`;
}
