// The command launcher (bin/): bundles a command when its sources changed, runs it from the bundle or from the sources alike.
import { spawnSync } from 'node:child_process';
import { statSync, utimesSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- plain JavaScript without type declarations
import { build, isFresh } from '../bin/launch.mjs';

const appDir = fileURLToPath(new URL('..', import.meta.url));

/** Runs bin/generate.mjs with `args`, optionally from the sources. */
function run(args: string[], fromSource = false): { status: number | null; stdout: string; stderr: string } {
  const env = { ...process.env, CHAR_GPT_FROM_SOURCE: fromSource ? '1' : '0' };
  return spawnSync(process.execPath, ['bin/generate.mjs', ...args], { cwd: appDir, encoding: 'utf8', env });
}

describe('bin/ launcher', () => {
  it('rebuilds the bundle when a source it was made from is newer, and then finds it fresh', async () => {
    expect(await build('generate')).toBe(true);
    expect(isFresh('generate')).toBe(true);
    const source = fileURLToPath(new URL('../src/generate.ts', import.meta.url));
    const { atime, mtime } = statSync(source);
    try {
      utimesSync(source, atime, new Date(Date.now() + 60_000));
      expect(isFresh('generate')).toBe(false);
    } finally {
      utimesSync(source, atime, mtime);
    }
    expect(isFresh('generate')).toBe(true);
  });

  it('runs a command from the bundle as from the sources: same output, same exit status', () => {
    for (const args of [['--help'], ['--temperature', '-1']]) {
      const bundled = run(args);
      const source = run(args, true);
      expect(bundled.status).toBe(source.status);
      expect(bundled.stdout).toBe(source.stdout);
      expect(bundled.stderr).toBe(source.stderr);
    }
    expect(run(['--help']).stdout).toMatch(/Usage: pnpm generate --checkpoint DIR/);
    expect(run(['--temperature', '-1']).status).toBe(2);
  });
});
