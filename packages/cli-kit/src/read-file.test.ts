// Tests that readUserFile reads regular files only, refuses devices, FIFOs and oversized files before reading, in words.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliError } from './cli-error.js';
import { readUserFile } from './read-file.js';

const dir = mkdtempSync(join(tmpdir(), 'tinygpt-read-file-'));
const options = { what: 'prompt file', maxBytes: 16 };

/** The CliError that `read` throws: its message and exit code. */
function failure(read: () => unknown): { message: string; exitCode: number } {
  try {
    read();
  } catch (err) {
    expect(err).toBeInstanceOf(CliError);
    return { message: (err as CliError).message, exitCode: (err as CliError).exitCode };
  }
  throw new Error('expected a CliError');
}

describe('readUserFile', () => {
  it('reads a regular file up to the limit', () => {
    const path = join(dir, 'ok.txt');
    writeFileSync(path, 'sixteen bytes!!!');
    expect(readUserFile(path, options).toString()).toBe('sixteen bytes!!!');
  });

  it('refuses a file above the limit, with the figures and the hint', () => {
    const path = join(dir, 'big.txt');
    writeFileSync(path, 'seventeen bytes!!');
    expect(
      failure(() => readUserFile(path, { ...options, raiseHint: 'pass --max-mb to raise it', exitCode: 2 })),
    ).toEqual({
      message: `prompt file ${path} is 0.000 MB, above the 0.000 MB limit; pass --max-mb to raise it`,
      exitCode: 2,
    });
  });

  it('refuses /dev/zero (it never ends) from its type', () => {
    expect(failure(() => readUserFile('/dev/zero', options)).message).toBe(
      'prompt file /dev/zero is not a regular file (a device, FIFO or socket); pass a file',
    );
  });

  it.skipIf(process.platform === 'win32')('refuses a FIFO without waiting for a writer', () => {
    const fifo = join(dir, 'fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    expect(failure(() => readUserFile(fifo, options)).message).toBe(
      `prompt file ${fifo} is not a regular file (a device, FIFO or socket); pass a file`,
    );
  });

  it('names a missing file, a directory, and a path through a file in words', () => {
    mkdirSync(join(dir, 'sub'), { recursive: true });
    writeFileSync(join(dir, 'file'), 'x');
    expect(failure(() => readUserFile(join(dir, 'nope'), options)).message).toBe(
      `prompt file not found: ${join(dir, 'nope')}`,
    );
    expect(failure(() => readUserFile(join(dir, 'sub'), options)).message).toBe(
      `prompt file ${join(dir, 'sub')} is a directory, not a file`,
    );
    expect(failure(() => readUserFile(join(dir, 'file', 'x'), options)).message).toBe(
      `cannot read prompt file ${join(dir, 'file', 'x')}: a part of the path is a file, not a directory`,
    );
  });
});
