// Tests that readUserFile reads regular files only, refuses devices, FIFOs and oversized files before reading, in words;
// and that readStdin reads a descriptor to its end within the limit.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CliError } from './cli-error.js';
import { readStdin, readUserFile } from './read-file.js';

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

describe('readStdin', () => {
  /** readStdin on a descriptor of a file holding `text`. */
  function fromFile(text: string, maxBytes: number): Buffer {
    const path = join(dir, 'stdin.txt');
    writeFileSync(path, text);
    const fd = openSync(path, 'r');
    try {
      return readStdin({ what: 'prompt', maxBytes }, fd);
    } finally {
      closeSync(fd);
    }
  }

  it('reads everything up to the limit, and nothing at all as an empty buffer', () => {
    expect(fromFile('sixteen bytes!!!', 16).toString()).toBe('sixteen bytes!!!');
    expect(fromFile('x'.repeat(200_000), 200_000).length).toBe(200_000); // several reads
    expect(fromFile('', 16).length).toBe(0);
  });

  it('refuses input past the limit, in words', () => {
    expect(failure(() => fromFile('seventeen bytes!!', 16))).toEqual({
      message: 'the prompt on standard input is above the 0.000 MB limit',
      exitCode: 1,
    });
  });

  it('reads a pipe from another process', () => {
    const source =
      "import { readStdin } from './src/read-file.ts'; " +
      "process.stdout.write(String(readStdin({ what: 'prompt', maxBytes: 1e6 }).length));";
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', source], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      input: 'y'.repeat(100_000),
      encoding: 'utf8',
    });
    expect(child.stderr).toBe('');
    expect(child.stdout).toBe('100000');
  });
});
