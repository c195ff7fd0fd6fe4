// A full disk, simulated: once `full.on` is set, every file write creates its file and then fails with ENOSPC, as
// writes on a full file system do. Nothing a failed write leaves may stay behind, and the old contents stay whole.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import type * as Fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CliError } from './cli-error.js';
import { replaceDirAtomic } from './files.js';
import { lockDir } from './lock.js';

const full = vi.hoisted(() => ({ on: false }));

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof Fs>();
  const writeFileSync: typeof real.writeFileSync = (path, data, options) => {
    if (!full.on) return real.writeFileSync(path, data, options);
    const flag = typeof options === 'object' && options?.flag !== undefined ? options.flag : 'w';
    real.writeFileSync(path, '', { flag }); // the file is created, its data does not fit
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
  };
  return { ...real, default: { ...real, writeFileSync }, writeFileSync };
});

afterEach(() => {
  full.on = false;
});

const tempDir = (): string => mkdtempSync(join(tmpdir(), 'tinygpt-full-disk-'));

describe('on a full disk', () => {
  it('a lock file that cannot be written is one sentence and is not left behind', () => {
    const dir = join(tempDir(), 'run');
    full.on = true;
    expect(() => lockDir(dir)).toThrow(CliError);
    expect(() => lockDir(dir)).toThrow(/^cannot create the lock file .*run\.lock: no space left on the device$/);
    expect(existsSync(`${dir}.lock`)).toBe(false);
  });

  it('a directory swap keeps the old contents, gives the space back and says how much room it needs', () => {
    const dir = join(tempDir(), 'run');
    const owned = ['a.txt', 'b.txt'];
    replaceDirAtomic(dir, { 'a.txt': 'old', 'b.txt': 'old' }, { owned });
    full.on = true;
    const room = 'the new contents, 8 bytes, are written whole beside the old before replacing them';
    expect(() => replaceDirAtomic(dir, { 'a.txt': 'new', 'b.txt': 'newer' }, { owned })).toThrow(
      new RegExp(`^cannot write .*run: no space left on the device \\(${room}\\)$`),
    );
    full.on = false;
    expect(owned.map((name) => readFileSync(join(dir, name), 'utf8'))).toEqual(['old', 'old']);
    expect([existsSync(`${dir}.next`), existsSync(`${dir}.prev`)]).toEqual([false, false]);
  });
});
