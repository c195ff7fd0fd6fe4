// Tests formatBytes (the unit a person reads, exponent form beyond a million exabytes) and memoryBudget.
import { totalmem } from 'node:os';
import { expect, it } from 'vitest';
import { formatBytes, memoryBudget } from './bytes.js';

it('formats bytes in powers of 1024, exponent form beyond a million of the largest unit', () => {
  expect(formatBytes(512)).toBe('512 bytes');
  expect(formatBytes(12 * 1024 ** 2)).toBe('12.0 MB');
  expect(formatBytes(1.5 * 1024 ** 3)).toBe('1.5 GB');
  expect(formatBytes(2.2e9 * 1024 ** 6)).toBe('2.2e+9 EB');
});

it("gives a backend the machine's memory, and wasm at most the 4 GiB a wasm32 memory addresses", () => {
  expect(memoryBudget('cpu')).toBe(totalmem());
  expect(memoryBudget('wasm')).toBe(Math.min(totalmem(), 4 * 1024 ** 3));
});
