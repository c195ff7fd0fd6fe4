// Tests formatBytes: the unit a person reads, and exponent form beyond a million exabytes.
import { expect, it } from 'vitest';
import { formatBytes } from './bytes.js';

it('formats bytes in powers of 1024, exponent form beyond a million of the largest unit', () => {
  expect(formatBytes(512)).toBe('512 bytes');
  expect(formatBytes(12 * 1024 ** 2)).toBe('12.0 MB');
  expect(formatBytes(1.5 * 1024 ** 3)).toBe('1.5 GB');
  expect(formatBytes(2.2e9 * 1024 ** 6)).toBe('2.2e+9 EB');
});
