// The refusal of a directory a command must not write into: absent or holding only its own files is fine.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dirRefusal, foreignFilesRefusal } from './out-dir.js';

describe('dirRefusal', () => {
  const root = mkdtempSync(join(tmpdir(), 'cli-kit-out-dir-'));
  const allowed = ['model.safetensors', 'config.json'];

  it('takes a new directory, or one holding only the allowed files', () => {
    expect(dirRefusal(join(root, 'new'), allowed, 'an exchange directory')).toBeNull();
    mkdirSync(join(root, 'earlier'));
    writeFileSync(join(root, 'earlier', 'config.json'), '{}');
    expect(dirRefusal(join(root, 'earlier'), allowed, 'an exchange directory')).toBeNull();
  });

  it('refuses a file, and a directory holding anything else, naming three of its entries', () => {
    writeFileSync(join(root, 'file'), '');
    expect(dirRefusal(join(root, 'file'), allowed, 'an exchange directory', 'file')).toBe(
      'file exists and is not a directory',
    );
    mkdirSync(join(root, 'full'));
    for (const name of ['a', 'b', 'c', 'd', 'config.json']) writeFileSync(join(root, 'full', name), '');
    expect(dirRefusal(join(root, 'full'), allowed, 'an exchange directory', 'full')).toBe(
      'full holds files that are not part of an exchange directory (a, b, c, …); choose a new or empty directory',
    );
  });
});

describe('foreignFilesRefusal', () => {
  it('lists up to three entries, and marks more', () => {
    expect(foreignFilesRefusal(['x', 'y'], 'a run')).toBe(
      'holds files that are not part of a run (x, y); choose a new or empty directory',
    );
    expect(foreignFilesRefusal(['w', 'x', 'y', 'z'], 'a run')).toMatch(/\(w, x, y, …\)/);
  });
});
