// The command launcher (bin/mnist.mjs, the package's bin entry and what `pnpm mnist` runs): starts from any directory,
// takes paths from where the user is, ends in one error line, and runs the command in its own process, so Ctrl-C
// reaches the training loop and the checkpoint is saved.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';

const work = mkdtempSync(join(tmpdir(), 'mnist-launch-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const { bin } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  bin: Record<string, string>;
};
const launcher = fileURLToPath(new URL('../bin/mnist.mjs', import.meta.url));
/** The environment of a shell, not of a pnpm script: no INIT_CWD unless a test sets one. */
const shellEnv: NodeJS.ProcessEnv = { ...process.env, TINYGPT_DEBUG: '', TINYGPT_BACKEND: '' };
delete shellEnv.INIT_CWD;

/** Starts the launcher as a shell starts a command on PATH (the file itself, not through node or pnpm), in `work`. */
function run(
  args: string[],
  env: Record<string, string> = {},
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(launcher, args, {
    cwd: work,
    env: { ...shellEnv, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

it("the package's bin entry tinygpt-mnist is an executable script that runs `pnpm mnist` from any directory", () => {
  expect(bin).toEqual({ 'tinygpt-mnist': './bin/mnist.mjs' });
  expect(readFileSync(launcher, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  expect(statSync(launcher).mode & 0o111, 'bin/mnist.mjs is executable').toBe(0o111);
  const help = run(['--help']);
  expect([help.status, help.stderr]).toEqual([0, '']);
  expect(help.stdout.split('\n')[0]).toBe('Usage: pnpm mnist <command> [options]');
  expect(run(['visualize', '--help']).stdout).toContain('--curves');
}, 60_000);

it('an error is one line and the exit code, nothing else', () => {
  const usage = run(['train', '--epoch', '1']);
  expect([usage.status, usage.stdout]).toEqual([2, '']);
  expect(usage.stderr).toMatch(/^error: unknown option --epoch \(did you mean --epochs\?\); valid options: [^\n]*\n$/);
}, 60_000);

it('paths are read from INIT_CWD (where pnpm was started), else from the working directory', () => {
  const here = run(['eval', '--checkpoint', 'nowhere']);
  expect(here.status).toBe(1);
  expect(here.stderr).toMatch(new RegExp(`^error: no checkpoint in ${join(work, 'nowhere')}: [^\\n]*\\n$`));
  const there = run(['eval', '--checkpoint', 'nowhere'], { INIT_CWD: tmpdir() });
  expect(there.stderr).toMatch(new RegExp(`^error: no checkpoint in ${join(tmpdir(), 'nowhere')}: `));
}, 60_000);

it('Ctrl-C during training saves the last finished epoch and exits 130', async () => {
  const tiny = ['--train-images', '1000', '--val-images', '100', '--test-images', '100', '--backend', 'js'];
  const child = spawn(launcher, ['train', ...tiny, '--epochs', '1000', '--out-dir', 'run'], {
    cwd: work,
    env: shellEnv,
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (/^epoch 1 /m.test(stdout)) resolve(); // the first epoch is saved
    });
    void exited.then(() => resolve()); // ended early: the checks below say how
  });
  child.kill('SIGINT'); // to the launcher's process alone: the command must be running in it
  expect(await exited, stderr).toBe(130);
  expect(stderr).toMatch(/SIGINT: finishing up/);
  expect(stderr).toMatch(/stopped: \S*run holds epoch [1-9]/);
  expect(existsSync(join(work, 'run', 'checkpoint.json'))).toBe(true);
  expect(existsSync(join(work, 'run', 'model.safetensors'))).toBe(true);
}, 60_000);
