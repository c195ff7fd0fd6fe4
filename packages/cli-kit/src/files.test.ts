// Tests that writeFileAtomic replaces files whole or not at all, and readJsonFile's messages.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliError } from './cli-error.js';
import { readJsonFile, writeFileAtomic } from './files.js';

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
    await expect(writeFileAtomic(join(dir, 'taken'), 'data')).rejects.toThrow(/EISDIR|ENOTEMPTY|EEXIST|EPERM/);
    expect(readdirSync(dir)).toEqual(['taken']);
    expect(readdirSync(join(dir, 'taken'))).toEqual(['inside']);
  });

  it('fails without creating anything when the directory does not exist', async () => {
    const dir = tempDir();
    await expect(writeFileAtomic(join(dir, 'missing', 'ckpt.json'), 'x')).rejects.toThrow(/ENOENT/);
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
    expect(message(() => readJsonFile(dir, 'checkpoint'))).toBe(`checkpoint ${dir} is a directory, not a JSON file`);
    expect(message(() => readJsonFile(file('empty.json', ' \n'), 'config file'))).toBe(
      `config file ${join(dir, 'empty.json')} is empty`,
    );
    expect(message(() => readJsonFile(file('bad.json', '{nLayer: 4}')))).toMatch(
      /^JSON file .*bad\.json is not valid JSON \(.+\)$/,
    );
  });
});
