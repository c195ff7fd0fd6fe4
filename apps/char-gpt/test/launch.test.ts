// The command launcher (bin/): bundles a command when its sources changed, runs it from the bundle or from the sources alike.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- plain JavaScript without type declarations
import { build, isFresh } from '../bin/launch.mjs';
import { scratchDir, textFile } from './helpers.js';

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

  it('from the sources, a SIGTERM to the launcher alone reaches the command: it saves its checkpoint and both exit 143', async () => {
    const user = scratchDir();
    const args = [
      ...['--data', textFile(), '--out-dir', 'stopped', '--n-layer=1', '--n-head=2', '--n-embd=8', '--block-size=8'],
      ...[
        '--batch-size=2',
        '--max-iters=100000',
        '--lr-decay-iters=100000',
        '--eval-interval=100000',
        '--eval-iters=1',
      ],
      '--json',
    ];
    const launcher = spawn(process.execPath, ['bin/pretrain.mjs', ...args], {
      cwd: appDir,
      env: { ...process.env, CHAR_GPT_FROM_SOURCE: '1', INIT_CWD: user, TINYGPT_BACKEND: '', npm_lifecycle_event: '' },
    });
    let stdout = '';
    let stderr = '';
    launcher.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    launcher.stdout.on('data', (chunk: Buffer) => {
      const first = !stdout.includes('"loss"');
      stdout += chunk.toString();
      if (first && stdout.includes('"loss"')) launcher.kill('SIGTERM'); // the launcher's pid only, as `kill PID` does
    });
    const code = await new Promise<number | null>((resolve) => launcher.on('close', resolve));
    expect(code, stderr).toBe(143);
    expect(stderr).toMatch(/stopped: checkpoint of iteration \d+ saved to stopped; continue with --init-from resume\n/);
    expect(existsSync(join(user, 'stopped', 'checkpoint.json'))).toBe(true);
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
