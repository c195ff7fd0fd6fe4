// The commands as a user runs them, for the CLI tests: a child process per command, and what one refused run looks like.
import { spawn } from 'node:child_process';
import { expect } from 'vitest';
import { appDir } from '../src/paths.js';

/** What a command printed and how it exited. */
export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `src/cli/<command>.ts` as the package scripts do (node with tsx's loader: one process, so
 * signals reach the command itself), with the user's directory `cwd` and `stdin` piped in;
 * `onStdout` may signal it.
 */
export function run(
  command: 'pretrain' | 'generate' | 'eval' | 'export',
  args: string[],
  cwd: string,
  onStdout?: (text: string, child: ReturnType<typeof spawn>) => void,
  env: Record<string, string> = {},
  stdin: string | Buffer = '',
): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions=@tinygpt/source', `src/cli/${command}.ts`, ...args],
      {
        cwd: appDir,
        env: { ...process.env, INIT_CWD: cwd, TINYGPT_DEBUG: '', TINYGPT_BACKEND: '', ...env },
      },
    );
    child.stdin.end(stdin);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      onStdout?.(stdout, child);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A refusal: a non-zero exit, one `error:` line on stderr and no stack trace, nothing on stdout. */
export function expectOneLineError(result: Ran, message: RegExp): void {
  expect(result.code).not.toBe(0);
  const lines = result.stderr.split('\n').filter((line) => line !== '');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  expect(lines[0]).toMatch(message);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(result.stdout).toBe(''); // not even the backend line: the refusal is all there is
}
