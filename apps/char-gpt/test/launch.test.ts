// The command launcher (bin/): bundles a command when its sources changed, runs it from the bundle or from the sources alike.
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, utimesSync } from 'node:fs';
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

  it("each of the package's bin entries (tinygpt-<command>) is an executable script that runs <command>", () => {
    const { bin } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      bin: Record<string, string>;
    };
    expect(Object.keys(bin).sort()).toEqual(['tinygpt-eval', 'tinygpt-export', 'tinygpt-generate', 'tinygpt-pretrain']);
    for (const [name, file] of Object.entries(bin)) {
      const command = name.slice('tinygpt-'.length);
      const path = fileURLToPath(new URL(`../${file}`, import.meta.url));
      expect(readFileSync(path, 'utf8').startsWith('#!/usr/bin/env node\n'), file).toBe(true);
      expect(statSync(path).mode & 0o111, `${file} is executable`).toBe(0o111);
      // Started as a shell starts a command on PATH: the file itself, not through node or pnpm.
      const child = spawnSync(path, ['--help'], { cwd: appDir, encoding: 'utf8' });
      expect(child.status, child.stderr).toBe(0);
      expect(child.stdout.split('\n')[0]).toMatch(new RegExp(`^Usage: pnpm ${command} `));
    }
  });
});
