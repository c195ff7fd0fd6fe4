// Tests of the profiling backend: it counts and times each kernel, computes what the wrapped backend computes, and formats a table.

import { describe, expect, it } from 'vitest';
import { cpuBackend } from './cpu/index.js';
import { formatProfile, profileBackend } from './profile.js';

describe('profileBackend', () => {
  it('runs each kernel on the wrapped backend and tallies calls by kernel', () => {
    const profile = profileBackend(cpuBackend);
    const be = profile.backend;
    const a = be.alloc(4);
    a.set([1, 2, 3, 4]);
    const c = be.alloc(4);
    be.sgemm(false, false, 2, 2, 2, a, 0, a, 0, c, 0, false);
    be.sgemm(false, false, 2, 2, 2, a, 0, a, 0, c, 0, true);
    be.unary('neg', a, a);
    expect(Array.from(c)).toEqual([14, 20, 30, 44]);
    expect(Array.from(a)).toEqual([-1, -2, -3, -4]);
    const rows = profile.rows();
    expect(Object.fromEntries(rows.map((r) => [r.kernel, r.calls]))).toEqual({ alloc: 2, sgemm: 2, unary: 1 });
    expect(rows.every((r) => r.ms >= 0)).toBe(true);
    expect(be.name).toBe('cpu');
    profile.reset();
    expect(profile.rows()).toEqual([]);
  });

  it('formats rows with their share of the wall time and the time outside kernels', () => {
    const text = formatProfile(
      [
        { kernel: 'sgemm', calls: 4, ms: 30 },
        { kernel: 'softmax', calls: 2, ms: 10 },
      ],
      50,
    );
    const lines = text.split('\n');
    expect(lines[1]).toMatch(/^sgemm\s+4\s+30\.0\s+7500\.0\s+60\.0 %$/);
    expect(lines[3]).toMatch(/^all kernels\s+40\.0\s+80\.0 %$/);
    expect(lines[4]).toMatch(/^outside kernels\s+10\.0\s+20\.0 %$/);
  });
});
