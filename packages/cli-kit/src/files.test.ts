// Tests that writeFileAtomic and replaceDirAtomic replace files whole or not at all, the one-writer lock, consistent
// reads, and readJsonFile's messages.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliError } from './cli-error.js';
import {
  readDirConsistent,
  readJsonFile,
  readableDir,
  recoverDirSwap,
  replaceDirAtomic,
  writeFileAtomic,
} from './files.js';
import { describeFsError } from './fs-error.js';
import { lockDir } from './lock.js';

const tempDir = (): string => mkdtempSync(join(tmpdir(), 'tinygpt-files-'));

describe('writeFileAtomic', () => {
  it('creates a file, then replaces it, leaving no temporary file', async () => {
    const dir = tempDir();
    const path = join(dir, 'ckpt.json');
    await writeFileAtomic(path, '{"step":1}');
    await writeFileAtomic(path, new Uint8Array([0x7b, 0x7d]));
    expect(readFileSync(path, 'utf8')).toBe('{}');
    expect(readdirSync(dir)).toEqual(['ckpt.json']);
  });

  it('streams chunks from a writer function', async () => {
    const path = join(tempDir(), 'weights.bin');
    await writeFileAtomic(path, async (write) => {
      await write(new Uint8Array([1, 2]));
      await write('AB');
      await write(new Uint8Array(new Float32Array([1]).buffer));
    });
    expect(Array.from(readFileSync(path))).toEqual([1, 2, 65, 66, 0, 0, 128, 63]);
  });

  it('leaves the old file intact and removes the temporary file when writing fails midway', async () => {
    const dir = tempDir();
    const path = join(dir, 'ckpt.json');
    writeFileSync(path, 'old checkpoint');
    const failing = writeFileAtomic(path, async (write) => {
      await write('half of a new checkp');
      throw new Error('out of memory while serializing');
    });
    await expect(failing).rejects.toThrow('out of memory while serializing');
    expect(readFileSync(path, 'utf8')).toBe('old checkpoint');
    expect(readdirSync(dir)).toEqual(['ckpt.json']);
  });

  it('removes the temporary file when the final rename fails', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'taken'));
    writeFileSync(join(dir, 'taken', 'inside'), 'x'); // a non-empty directory cannot be renamed over
    const failing = writeFileAtomic(join(dir, 'taken'), 'data');
    await expect(failing).rejects.toThrow(CliError);
    await expect(failing).rejects.toThrow(`cannot write ${join(dir, 'taken')}: it is a directory`);
    expect(readdirSync(dir)).toEqual(['taken']);
    expect(readdirSync(join(dir, 'taken'))).toEqual(['inside']);
  });

  it('fails without creating anything when the directory does not exist', async () => {
    const dir = tempDir();
    await expect(writeFileAtomic(join(dir, 'missing', 'ckpt.json'), 'x')).rejects.toThrow(
      `cannot write ${join(dir, 'missing', 'ckpt.json')}: no such file or directory`,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it.skipIf(process.platform === 'win32')('keeps the permission bits of the file it replaces', async () => {
    const path = join(tempDir(), 'secret.json');
    writeFileSync(path, '{}');
    chmodSync(path, 0o600);
    await writeFileAtomic(path, '{"a":1}');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    await writeFileAtomic(path, '{"a":2}', { mode: 0o640 });
    expect(statSync(path).mode & 0o777).toBe(0o640);
  });
});

describe('readJsonFile', () => {
  const dir = tempDir();
  const file = (name: string, text: string): string => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const message = (fn: () => unknown): string => {
    try {
      fn();
    } catch (err) {
      expect(err).toBeInstanceOf(CliError);
      return (err as Error).message;
    }
    throw new Error('expected a CliError');
  };

  it('parses JSON, ignoring a byte-order mark', () => {
    expect(readJsonFile(file('ok.json', '\uFEFF{"nLayer": 4}'), 'config file')).toEqual({ nLayer: 4 });
  });

  it('says which file is missing, a directory, empty or not JSON', () => {
    expect(message(() => readJsonFile(join(dir, 'nope.json'), 'checkpoint'))).toBe(
      `checkpoint not found: ${join(dir, 'nope.json')}`,
    );
    expect(message(() => readJsonFile(dir, 'checkpoint'))).toBe(`checkpoint ${dir} is a directory, not a file`);
    expect(message(() => readJsonFile(file('empty.json', ' \n'), 'config file'))).toBe(
      `config file ${join(dir, 'empty.json')} is empty`,
    );
    expect(message(() => readJsonFile(file('bad.json', '{nLayer: 4}')))).toMatch(
      /^JSON file .*bad\.json is not valid JSON \(.+\)$/,
    );
  });

  it('refuses a device before reading it (/dev/zero never ends)', () => {
    expect(message(() => readJsonFile('/dev/zero', 'config file', 2))).toBe(
      'config file /dev/zero is not a regular file (a device, FIFO or socket); pass a file',
    );
  });
});

describe('whole-directory swaps: one locked writer, consistent readers', () => {
  const owned = ['a.txt', 'b.txt'];
  const readPair = (at: string): string[] => owned.map((f) => readFileSync(join(at, f), 'utf8'));

  it('a read disturbed by a swap is repeated and returns the new contents whole, never a mix', () => {
    const dir = join(tempDir(), 'run');
    replaceDirAtomic(dir, { 'a.txt': 'old', 'b.txt': 'old' }, { owned });
    let calls = 0;
    const value = readDirConsistent(
      dir,
      (at) => {
        calls++;
        const a = readFileSync(join(at, 'a.txt'), 'utf8');
        // A writer swaps in the next generation in the middle of the first read.
        if (calls === 1) replaceDirAtomic(dir, { 'a.txt': 'new', 'b.txt': 'new' }, { owned });
        return [a, readFileSync(join(at, 'b.txt'), 'utf8')];
      },
      () => new Error('missing'),
    );
    expect(calls).toBe(2);
    expect(value).toEqual(['new', 'new']);
  });

  it('an error from a read that no swap disturbed is the answer at once', () => {
    const dir = join(tempDir(), 'run');
    replaceDirAtomic(dir, { 'a.txt': 'x' }, { owned });
    let calls = 0;
    expect(() =>
      readDirConsistent(
        dir,
        (at) => {
          calls++;
          return readPair(at);
        },
        () => new Error('missing'),
      ),
    ).toThrow(/ENOENT/);
    expect(calls).toBe(1);
    expect(() => readDirConsistent(join(dir, 'none'), readPair, (d) => new Error(`no ${d}`))).toThrow(/^no /);
  });

  it('readers find the last complete contents after a crash without changing anything; the writer repairs', () => {
    const dir = join(tempDir(), 'run');
    replaceDirAtomic(dir, { 'a.txt': 'old' }, { owned });
    mkdirSync(`${dir}.next`);
    writeFileSync(join(`${dir}.next`, 'a.txt'), 'new');
    renameSync(dir, `${dir}.prev`); // crashed between the renames
    expect(readableDir(dir)).toBe(`${dir}.next`);
    expect(readableDir(`${dir}/`)).toBe(`${dir}.next`); // a trailing slash names the same directory
    expect(existsSync(`${dir}.prev`)).toBe(true);
    recoverDirSwap(dir, owned);
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('new');
    expect([existsSync(`${dir}.next`), existsSync(`${dir}.prev`)]).toEqual([false, false]);
  });

  it('a swap that fails partway (a full disk, say) keeps the old contents and removes what it wrote', () => {
    const dir = join(tempDir(), 'run');
    replaceDirAtomic(dir, { 'a.txt': 'old', 'b.txt': 'old' }, { owned });
    // 'a.txt' is written, then 'x/b.txt' fails: its directory does not exist.
    const failing = () => replaceDirAtomic(dir, { 'a.txt': 'new', 'x/b.txt': 'new' }, { owned });
    expect(failing).toThrow(CliError);
    expect(failing).toThrow(/^cannot write .*run: no such file or directory$/);
    expect(readPair(dir)).toEqual(['old', 'old']);
    expect([existsSync(`${dir}.next`), existsSync(`${dir}.prev`)]).toEqual([false, false]);
    // A first write that fails leaves nothing behind.
    const fresh = join(tempDir(), 'run');
    expect(() => replaceDirAtomic(fresh, { 'a.txt': 'new', 'x/b.txt': 'new' }, { owned })).toThrow(CliError);
    expect([existsSync(fresh), existsSync(`${fresh}.next`)]).toEqual([false, false]);
  });

  it('a file where a swap stages its contents is named, not met with a raw ENOTDIR', () => {
    const dir = join(tempDir(), 'run');
    replaceDirAtomic(dir, { 'a.txt': 'old' }, { owned });
    writeFileSync(`${dir}.next`, 'a file made by hand');
    const inTheWay =
      /^\S*run\.next is in the way \(a file where a directory is staged while it is replaced\); move or remove it$/;
    expect(() => recoverDirSwap(dir, owned)).toThrow(inTheWay);
    expect(() => replaceDirAtomic(dir, { 'a.txt': 'new' }, { owned })).toThrow(inTheWay);
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('old');
  });

  it('one writer: a live lock is refused with its pid, a dead one taken over, the lock removed on release', () => {
    const dir = join(tempDir(), 'run');
    const release = lockDir(dir, 'run directory');
    expect(() => lockDir(dir)).toThrow(CliError);
    release();
    expect(existsSync(`${dir}.lock`)).toBe(false);
    writeFileSync(`${dir}.lock`, JSON.stringify({ pid: process.ppid, host: hostname(), started: 'x' }));
    expect(() => lockDir(dir, 'run directory')).toThrow(
      new RegExp(`run directory .* is being written by process ${process.ppid}`),
    );
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(`${dir}.lock`, JSON.stringify({ pid: dead, host: hostname(), started: 'x' }));
    lockDir(dir)();
    writeFileSync(`${dir}.lock`, 'half-written');
    lockDir(dir)();
    expect(existsSync(`${dir}.lock`)).toBe(false);
  });

  it('file-system errors read as words', () => {
    const file = join(tempDir(), 'f');
    writeFileSync(file, '');
    expect(() => lockDir(join(file, 'run'))).toThrow(/cannot create .*: a part of the path is a file, not a directory/);
    expect(describeFsError(Object.assign(new Error('EPERM: raw'), { code: 'EPERM' }))).toMatch(
      /^operation not permitted/,
    );
  });
});
