// Tests that makeDir creates nested directories, explains what it cannot create, and never hangs where Node's recursive mkdir does.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CliError } from './cli-error.js';
import { makeDir } from './make-dir.js';

const tempDir = (): string => mkdtempSync(join(tmpdir(), 'tinygpt-make-dir-'));

function catchError(f: () => void): Error {
  try {
    f();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}

describe('makeDir', () => {
  it('creates missing parents and accepts a directory that exists', () => {
    const dir = join(tempDir(), 'a', 'b', 'c');
    makeDir(dir);
    expect(statSync(dir).isDirectory()).toBe(true);
    makeDir(dir);
  });

  it('names the directory and says a file is in the way', () => {
    const file = join(tempDir(), 'corpus.txt');
    writeFileSync(file, 'x');
    for (const dir of [file, join(file, 'run')]) {
      const err = catchError(() => makeDir(dir, '--out-dir'));
      expect(err).toBeInstanceOf(CliError);
      expect(err.message).toBe(`cannot create --out-dir ${dir}: a part of the path is a file, not a directory`);
    }
  });

  it.skipIf(!existsSync('/proc/self'))('fails at once under /proc, where a recursive mkdir never returns', () => {
    const tsx = createRequire(import.meta.url).resolve('tsx/cli');
    const script = `import { makeDir } from ${JSON.stringify(fileURLToPath(new URL('./make-dir.ts', import.meta.url)))};
      try { makeDir('/proc/tinygpt-no-such/run'); } catch (err) { console.log(err.message); }`;
    const child = spawnSync(process.execPath, [tsx, '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 10_000,
      killSignal: 'SIGKILL',
    });
    expect(child.signal).toBe(null);
    expect(child.stdout.trim()).toBe(
      'cannot create /proc/tinygpt-no-such/run: the file system there does not allow new directories',
    );
  });
});
