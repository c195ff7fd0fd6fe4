// Tests loadTextFile's errors (missing, directory, empty, binary, invalid UTF-8) and the UTF-8 validator against TextDecoder.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetError } from './dataset-error.js';
import { firstInvalidUtf8, loadTextFile } from './load-text-file.js';

const dir = mkdtempSync(join(tmpdir(), 'tinygpt-text-'));
function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** The DatasetError `fn` throws (failing the test if it throws something else or nothing). */
function datasetError(fn: () => unknown): DatasetError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DatasetError);
    return err as DatasetError;
  }
  throw new Error('expected a DatasetError, nothing was thrown');
}

describe('loadTextFile', () => {
  it('reads UTF-8 text, keeping line endings and non-ASCII characters', () => {
    expect(loadTextFile(file('ok.txt', 'Call me Ishmael—\r\nκόσμε 🐋\n'))).toBe('Call me Ishmael—\r\nκόσμε 🐋\n');
  });

  it('drops a leading byte-order mark', () => {
    expect(loadTextFile(file('bom.txt', '\uFEFFhello'))).toBe('hello');
  });

  it('names a missing file', () => {
    const err = datasetError(() => loadTextFile(join(dir, 'missing.txt')));
    expect(err.message).toBe(`text file not found: ${join(dir, 'missing.txt')}`);
    expect(err.name).toBe('DatasetError');
  });

  it('refuses a directory', () => {
    mkdirSync(join(dir, 'folder'));
    expect(datasetError(() => loadTextFile(join(dir, 'folder'))).message).toBe(
      `text file ${join(dir, 'folder')} is a directory, not a file`,
    );
  });

  it('refuses an empty file', () => {
    expect(datasetError(() => loadTextFile(file('empty.txt', ''))).message).toMatch(/empty\.txt is empty/);
  });

  it('calls a file with a NUL byte binary and says where', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]);
    expect(datasetError(() => loadTextFile(file('image.png', png))).message).toMatch(
      /image\.png looks binary \(a NUL byte at offset 8\)/,
    );
  });

  it('rejects invalid UTF-8 with the offset of the first bad byte', () => {
    const latin1 = new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x0a]); // "café\n" in Latin-1
    const err = datasetError(() => loadTextFile(file('latin1.txt', latin1)));
    expect(err.message).toMatch(/latin1\.txt is not valid UTF-8 text \(byte 0xe9 at offset 3\)/);
  });
});

describe('firstInvalidUtf8', () => {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const valid = (bytes: Uint8Array): boolean => {
    try {
      decoder.decode(bytes);
      return true;
    } catch {
      return false;
    }
  };

  it('finds the known bad forms: stray continuation, overlong, surrogate, above U+10FFFF, cut short', () => {
    expect(firstInvalidUtf8(new Uint8Array([0x41, 0x80]))).toBe(1);
    expect(firstInvalidUtf8(new Uint8Array([0xc0, 0x80]))).toBe(0); // overlong NUL
    expect(firstInvalidUtf8(new Uint8Array([0xe0, 0x80, 0x80]))).toBe(0); // overlong
    expect(firstInvalidUtf8(new Uint8Array([0x41, 0xed, 0xa0, 0x80]))).toBe(1); // U+D800
    expect(firstInvalidUtf8(new Uint8Array([0xf4, 0x90, 0x80, 0x80]))).toBe(0); // U+110000
    expect(firstInvalidUtf8(new Uint8Array([0x41, 0x42, 0xe2, 0x80]))).toBe(2); // truncated "—"
    const fine = new TextEncoder().encode('κόσμε 🐋—');
    expect(firstInvalidUtf8(fine)).toBe(fine.length);
  });

  it('agrees with TextDecoder on every 2-byte string and on 3- and 4-byte strings around each boundary', () => {
    const edges = [0x00, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xff];
    let checked = 0;
    const check = (bytes: Uint8Array): void => {
      const bad = firstInvalidUtf8(bytes);
      // Valid exactly when nothing is bad, and everything before the first bad byte decodes.
      if (valid(bytes) !== (bad === bytes.length) || !valid(bytes.subarray(0, bad))) {
        throw new Error(`disagreement on [${Array.from(bytes, (b) => b.toString(16)).join(' ')}]: offset ${bad}`);
      }
      checked++;
    };
    for (let a = 0; a < 256; a++) {
      for (let b = 0; b < 256; b++) check(new Uint8Array([a, b]));
      for (const b of edges) for (const c of edges) check(new Uint8Array([a, b, c]));
      if (a < 0xe0) continue; // only 3- and 4-byte lead bytes need a fourth byte
      for (const b of edges)
        for (const c of edges) for (const d of [0x7f, 0x80, 0xbf, 0xc0]) check(new Uint8Array([a, b, c, d]));
    }
    expect(checked).toBe(65536 + 256 * 100 + 32 * 400);
  });
});

describe('loadTextFile refuses what could hang or exhaust memory', () => {
  it.skipIf(!existsSync('/dev/zero'))('a device such as /dev/zero, at once', () => {
    expect(() => loadTextFile('/dev/zero')).toThrow(
      'text file /dev/zero is not a regular file (a device, FIFO or socket); pass a file',
    );
  });

  it.skipIf(process.platform === 'win32')('a FIFO, without blocking on it', () => {
    const fifo = join(dir, 'pipe');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    expect(() => loadTextFile(fifo)).toThrow(`text file ${fifo} is not a regular file`);
  });

  it('a file above the size limit, with the hint that raises it', () => {
    const big = file('big.txt', 'x'.repeat(3000));
    expect(() => loadTextFile(big, { maxBytes: 2048, raiseHint: 'pass --max-data-mb to raise it' })).toThrow(
      `text file ${big} is 0.003 MB, above the 0.002 MB limit; pass --max-data-mb to raise it`,
    );
    expect(loadTextFile(big, { maxBytes: 3000 })).toHaveLength(3000);
  });
});
